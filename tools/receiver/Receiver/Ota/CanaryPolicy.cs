using System.Security.Cryptography;
using System.Text;

namespace NodeFirmware.Receiver.Ota;

/// <summary>Who is in the canary, and how many failures a wave may have before the campaign halts.</summary>
public static class CanaryPolicy
{
    /// <summary>ceil(n × percent / 100), at least one device, at most n.</summary>
    public static int CanarySize(int cohort, double percent) =>
        cohort == 0 ? 0 : Math.Clamp((int)Math.Ceiling(cohort * percent / 100.0 - 1e-9), 1, cohort);

    /// <summary>Failures a wave of <paramref name="size"/> tolerates: floor(size × (1 − threshold)). One more halts.</summary>
    public static int AllowedFailures(int size, double successThreshold) => (int)Math.Floor(size * (1 - successThreshold) + 1e-9);

    /// <summary>
    /// The canary: the devices first in the order of SHA-256(campaign id, device id), so every campaign draws a
    /// different, reproducible sample.
    /// </summary>
    public static HashSet<string> PickCanary(string campaignId, IEnumerable<string> deviceIds, double percent)
    {
        var ids = deviceIds.ToList();
        return OfferOrder(campaignId, ids).Take(CanarySize(ids.Count, percent)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The campaign's order of its devices: by SHA-256(campaign id, device id); the canary and the gated stages take them in it.</summary>
    public static List<string> OfferOrder(string campaignId, IEnumerable<string> deviceIds) =>
        deviceIds.OrderBy(id => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(campaignId + "\n" + id))), StringComparer.Ordinal).ToList();
}

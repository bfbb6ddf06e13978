using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Api;

/// <summary>Field lengths and formats of POST /api/campaigns, checked before the campaign engine sees the request.</summary>
public static class CampaignBodyLimits
{
    public const int MaxNameLength = 100;
    public const int MaxVersionLength = 32;

    public static string? Check(CreateCampaignBody b)
    {
        if (b.Name is { Length: > MaxNameLength }) return $"name must be at most {MaxNameLength} characters";
        if (b.Name is { } name && name.Any(char.IsControl)) return "name must not contain control characters";
        if (b.Version is { } v && !IsVersion(v)) return $"version must be 1..{MaxVersionLength} of 0-9 A-Z a-z . + -";
        if (b.Rollback?.Version is { } rv && !IsVersion(rv)) return $"rollback.version must be 1..{MaxVersionLength} of 0-9 A-Z a-z . + -";
        if (b.Firmware is { } f && !IsVersion(f)) return $"firmware must be 1..{MaxVersionLength} of 0-9 A-Z a-z . + -";
        if (b.Board is { } board && !DeviceFields.IsName(board, DeviceFields.MaxBoardLength))
            return $"board must be 1..{DeviceFields.MaxBoardLength} of A-Z a-z 0-9 . _ -";
        if (b.Tags is { } tags && (tags.Count > DeviceFields.MaxTags || tags.Any(t => !DeviceFields.IsTag(t))))
            return $"tags: at most {DeviceFields.MaxTags}, each 1..{DeviceFields.MaxTagLength} of A-Z a-z 0-9 . _ - : =";
        if (b.Gate is { } gate)
        {
            if (b.CanaryPercent is not null) return "canaryPercent does not apply to a gated campaign: its first stage (gate.stages) is the canary";
            if (gate.Problem() is { } problem) return problem;
        }
        return null;
    }

    private static bool IsVersion(string s) =>
        s.Length is > 0 and <= MaxVersionLength && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-');
}

using System.Net;
using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Hosting;

namespace NodeFirmware.Receiver.Access;

/// <summary>
/// Host names the receiver answers to: the host of its --http address, the loopback names when it listens on
/// loopback, and whatever --allowed-hosts adds (needed when it listens on 0.0.0.0 or behind a proxy).
/// A browser tricked by DNS rebinding sends the attacker's name in Host, which is not on the list.
/// </summary>
public sealed class AllowedHosts
{
    private static readonly string[] Loopback = ["localhost", "127.0.0.1", "::1", "[::1]"];
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    public AllowedHosts(IOptions<ReceiverOptions> options)
    {
        var o = options.Value;
        string http = o.Http.Contains("://") ? o.Http : "http://" + o.Http;
        if (Uri.TryCreate(http, UriKind.Absolute, out var uri))
        {
            string bind = uri.Host.Trim('[', ']');
            bool wildcard = bind is "0.0.0.0" or "::" or "*" or "+";
            if (!wildcard) _names.Add(bind);
            if (wildcard || bind == "localhost" || (IPAddress.TryParse(bind, out var ip) && IPAddress.IsLoopback(ip)))
                foreach (var name in Loopback) _names.Add(name);
        }
        foreach (var name in (o.AllowedHosts ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            _names.Add(name);
    }

    public IEnumerable<string> Names => _names.Order(StringComparer.Ordinal);

    public bool Contains(string host) => host.Length > 0 && _names.Contains(host.Trim('[', ']')) || _names.Contains(host);
}

using System.Net;

namespace NodeSim.Network;

/// <summary>
/// The names a simulated board's network resolves, as a site's DNS would (e.g. broker.acme.example → 127.0.0.1):
/// only the address changes; the port is the one the node was given, and TLS still checks the broker's certificate
/// against the name. A name that is not listed goes to the host's resolver.
/// </summary>
public sealed class NameService
{
    public const int MaxEntries = 16;
    public const int MaxNameLength = 253;

    private readonly Dictionary<string, IPAddress> _entries = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, IPAddress> Entries => _entries;

    /// <summary>Adds NAME=ADDRESS; throws <see cref="ArgumentException"/> with the reason when it is not one.</summary>
    public void Add(string entry)
    {
        int equals = entry.IndexOf('=');
        if (equals <= 0) throw new ArgumentException($"'{entry}' is not NAME=ADDRESS, e.g. broker.acme.example=127.0.0.1");
        string name = entry[..equals].Trim().TrimEnd('.');
        string address = entry[(equals + 1)..].Trim();
        if (name.Length is 0 or > MaxNameLength || Uri.CheckHostName(name) != UriHostNameType.Dns)
            throw new ArgumentException($"'{name}' is not a host name (letters, digits, '-' and '.', at most {MaxNameLength} characters)");
        if (!IPAddress.TryParse(address, out var ip))
            throw new ArgumentException($"'{address}' is not an IP address (a name resolves to an address, not to a port: the port is the bundle's)");
        if (!_entries.ContainsKey(name) && _entries.Count >= MaxEntries)
            throw new ArgumentException($"at most {MaxEntries} names can be resolved");
        _entries[name] = ip;
    }

    /// <summary>The endpoint with the address its host name resolves to here; unchanged when the name is not listed.</summary>
    public BrokerEndpoint Resolve(BrokerEndpoint broker) =>
        _entries.TryGetValue(broker.Host, out var address) ? broker with { Address = address } : broker;
}

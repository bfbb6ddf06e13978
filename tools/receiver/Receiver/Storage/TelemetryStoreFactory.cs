using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Storage.Sqlite;

namespace NodeFirmware.Receiver.Storage;

/// <summary>Opens a store from its command-line form: <c>sqlite:&lt;path&gt;</c> or <c>postgres:&lt;connection string&gt;</c>.</summary>
public static class TelemetryStoreFactory
{
    /// <summary>Throws ArgumentException naming what is wrong with the store's command-line form; opens nothing.</summary>
    public static void Validate(string spec)
    {
        var (kind, rest) = Split(spec);
        if (rest.Length == 0 || kind is not ("sqlite" or "postgres" or "postgresql")) throw NotUnderstood(spec);
    }

    public static ITelemetryStore Create(string spec, string sqliteSynchronous = "FULL")
    {
        var (kind, rest) = Split(spec);
        return kind switch
        {
            "sqlite" when rest.Length > 0 => new SqliteTelemetryStore(rest, sqliteSynchronous),
            "postgres" or "postgresql" when rest.Length > 0 => new PostgresTelemetryStore(rest),
            _ => throw NotUnderstood(spec),
        };
    }

    private static (string Kind, string Location) Split(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? "" : spec[..colon].ToLowerInvariant();
        string rest = colon < 0 ? "" : spec[(colon + 1)..];
        return (kind, rest);
    }

    private static ArgumentException NotUnderstood(string spec) => new(
        $"store '{spec}' is not understood: use sqlite:<path> or postgres:<connection string> (e.g. postgres:Host=127.0.0.1;Port=5432;Username=postgres;Database=nodes)");
}

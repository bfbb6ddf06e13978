namespace NodeFirmware.Receiver.Hosting;

/// <summary>The receiver's settings, bound from the "Receiver" configuration section (command line or appsettings.json).</summary>
public sealed class ReceiverOptions
{
    public const string Section = "Receiver";

    /// <summary>sqlite:&lt;path&gt; or postgres:&lt;connection string&gt;.</summary>
    public string Store { get; set; } = "sqlite:receiver.db";

    /// <summary>SQLite synchronous mode: FULL (default, durable across power loss) or NORMAL.</summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>Where the API and page listen, e.g. http://127.0.0.1:8080 (port 0 = any free port).</summary>
    public string Http { get; set; } = "http://127.0.0.1:8080";

    /// <summary>The devices' telemetry report period; the connectivity SLI counts a device seen within N of these.</summary>
    public int ReportPeriodSeconds { get; set; } = 300;

    public int ConnectivityPeriods { get; set; } = 3;

    /// <summary>Where the page's uPlot files are (default: page-packages/uplot beside the receiver, where its build puts them).</summary>
    public string? PagePackages { get; set; }

    /// <summary>The SLIs' targets, shown beside them (GET /api/sli, the page).</summary>
    public Sli.SliTargets SliTargets { get; set; } = new();

    /// <summary>The PKI store directory (docs/broker.md); needed to add revoked certificates to the CRL.</summary>
    public string? PkiDirectory { get; set; }

    /// <summary>A file holding the CA key's passphrase (the CRL is signed with the CA key).</summary>
    public string? CaPassphraseFile { get; set; }

    /// <summary>The firmware repository folder (`nodectl firmware publish --repo`) campaigns take packages from by version.</summary>
    public string? FirmwareRepository { get; set; }

    /// <summary>The release public key file (release.pub); campaigns then check each package's signature before offering it.</summary>
    public string? ReleasePublicKey { get; set; }

    /// <summary>The running broker's pid file: a revocation sends it SIGHUP so it reloads the CRL.</summary>
    public string? BrokerPidFile { get; set; }

    /// <summary>Where the first admin token is written when no admin token is active (default: next to the SQLite file).</summary>
    public string? AdminTokenFile { get; set; }

    /// <summary>Comma-separated extra host names the API and page answer to (the --http host and loopback names always are).</summary>
    public string? AllowedHosts { get; set; }
}

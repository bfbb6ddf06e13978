using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace NodeFirmware.Receiver.Storage.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster made with Debian's binaries (initdb, pg_ctl) in a fresh directory, listening on
/// 127.0.0.1 on a free port, trust authentication. For tests, benchmarks and demos — never for production data.
/// initdb refuses to run as root, so as root the cluster runs as the 'postgres' system user (runuser).
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";
    private readonly string _bin;
    private bool _running;

    private PostgresCluster(string directory, int port, string bin)
    {
        Directory = directory;
        Port = port;
        _bin = bin;
    }

    public string Directory { get; }
    public int Port { get; }
    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>A connection string for a database of this cluster (user postgres).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true }.ToString();

    public static PostgresCluster Start(string? binDirectory = null)
    {
        string bin = binDirectory ?? DefaultBinDirectory;
        if (!File.Exists(Path.Combine(bin, "initdb")))
            throw new InvalidOperationException($"PostgreSQL is not installed ({bin}/initdb is missing): run 'bash tools/scripts/setup.sh'");
        string dir = Path.Combine(Path.GetTempPath(), "nf-pg-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var cluster = new PostgresCluster(dir, FreePort(), bin);
        try
        {
            if (Environment.IsPrivilegedProcess) Run("chown", ["postgres:", dir], asPostgres: false);
            Run(Path.Combine(bin, "initdb"), ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
            // fsync stays on: the stores' durability is part of what the tests exercise; a throwaway cluster still fsyncs.
            Run(Path.Combine(bin, "pg_ctl"), ["-D", cluster.DataDirectory, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60",
                "-o", $"-p {cluster.Port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=100", "start"]);
            cluster._running = true;
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"database name '{name}' must be lower-case letters, digits and _", nameof(name));
        await using var db = new NpgsqlConnection(ConnectionString());
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", db);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public void Dispose()
    {
        if (_running)
        {
            try { Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]); }
            catch (InvalidOperationException) { /* already gone */ }
            _running = false;
        }
        NpgsqlConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void Run(string program, string[] args, bool asPostgres = true)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", program }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = program;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish in 120 s");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

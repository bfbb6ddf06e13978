using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Hosting;

namespace NodeFirmware.Receiver.Access;

/// <summary>
/// On start: creates the access tables and, if no admin token is active, makes one and writes it to a file only the
/// receiver's user can read (mode 0600), naming the file on stdout. The secret itself is never printed or logged.
/// </summary>
public sealed class AdminBootstrap(IAccessStore store, AccessTokens tokens, IOptions<ReceiverOptions> options, ILogger<AdminBootstrap> log) : IHostedService
{
    public const string FileLinePrefix = "Receiver admin token file: ";

    public async Task StartAsync(CancellationToken ct)
    {
        await store.MigrateAsync(ct);
        if (await tokens.HasActiveAdminAsync(ct)) return;
        string path = AdminTokenFile(options.Value);
        var issued = await tokens.CreateAsync("first-admin", Roles.Admin, Caller.Receiver, ct);
        WriteOwnerOnly(path, issued.Secret + "\n");
        Console.WriteLine(FileLinePrefix + path);
        log.LogWarning("no admin token was active: created token {Id} and wrote it to {Path} (mode 0600)", issued.Token.Id, path);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>--admin-token-file, else next to a SQLite database, else receiver-admin.token in the working directory.</summary>
    public static string AdminTokenFile(ReceiverOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.AdminTokenFile)) return Path.GetFullPath(o.AdminTokenFile);
        if (o.Store.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)) return Path.GetFullPath(o.Store["sqlite:".Length..] + ".admin-token");
        return Path.GetFullPath("receiver-admin.token");
    }

    /// <summary>Creates the file with 0600 before any byte is written, replacing an older one.</summary>
    public static void WriteOwnerOnly(string path, string content)
    {
        var dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.Delete(path);
        var mode = OperatingSystem.IsWindows() ? (UnixFileMode?)null : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var opts = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } m) opts.UnixCreateMode = m;
        using var stream = new FileStream(path, opts);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}

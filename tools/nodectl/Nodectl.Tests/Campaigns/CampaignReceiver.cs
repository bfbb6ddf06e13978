using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using NodeFirmware.Nodectl.Campaigns;
using NodeFirmware.Nodectl.Firmware;
using NodeFirmware.Nodectl.ReceiverApi;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeFirmware.Nodectl.Tests.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Campaigns;

/// <summary>
/// A real receiver started with a release key that <c>nodectl firmware keygen</c> made, packages signed with it (and with
/// a stranger's key) by <c>nodectl firmware sign</c>, 2.1.0 published to the receiver's firmware repository, registered devices on the package's board, and
/// <c>nodectl campaign</c> run in-process against it with a token of a given role.
/// </summary>
public sealed class CampaignReceiver : IDisposable
{
    public const string Board = "esp32-devkitc-v4";
    private const string PassphraseVariable = "NODECTL_CAMPAIGN_TEST_PASSPHRASE";
    private readonly string _dir = Directory.CreateTempSubdirectory("nodectl-campaign-").FullName;
    private readonly Dictionary<string, string> _env = new() { [PassphraseVariable] = "correct horse battery staple" };

    public CampaignReceiver()
    {
        Environment.SetEnvironmentVariable(PassphraseVariable, _env[PassphraseVariable]);
        File.WriteAllBytes(P("NodeFirmware.Device.pe"), Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray());
        Firmware("keygen", "--out", P("release.key"), "--kdf-iterations", "100000", "--passphrase-env", PassphraseVariable);
        Firmware("keygen", "--out", P("stranger.key"), "--kdf-iterations", "100000", "--passphrase-env", PassphraseVariable);
        Package = Sign("release.key", "2.0.0", "app-2.0.0.nfw");
        StrangersPackage = Sign("stranger.key", "2.0.1", "stranger-2.0.1.nfw");
        Sign("release.key", "2.1.0", "app-2.1.0.nfw");
        Firmware("publish", P("app-2.1.0.nfw"), "--repo", P("repo"), "--pubkey", P("release.pub"));
        Receiver = RealReceiver.Start(LoopbackPort.Free(), P("receiver.db"), ["--release-pub", P("release.pub"), "--firmware-repo", P("repo")]);
        Operator = Receiver.CreateToken("operator");
        Viewer = Receiver.CreateToken("viewer");
    }

    internal RealReceiver Receiver { get; }
    public string Operator { get; }
    public string Viewer { get; }

    /// <summary>2.0.0 for <see cref="Board"/>, signed by the receiver's release key.</summary>
    public string Package { get; }

    /// <summary>2.0.1 for <see cref="Board"/>, signed by another key.</summary>
    public string StrangersPackage { get; }

    public string P(string name) => Path.Combine(_dir, name);

    /// <summary>Registers devices on <see cref="Board"/> with the admin token; returns their ids.</summary>
    public List<string> Register(int count, string tag)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"esp32-{Math.Abs(tag.GetHashCode()) % 0xffff:x4}{i:x8}").ToList();
        using var http = Receiver.Client();
        foreach (var id in ids)
            Assert.True(http.PostAsJsonAsync("/api/devices", new { id, board = Board, tags = new[] { tag } }).GetAwaiter().GetResult().IsSuccessStatusCode);
        return ids;
    }

    /// <summary>GET /api/campaigns with the admin token: the campaigns the receiver holds.</summary>
    public List<JsonElement> Campaigns()
    {
        using var http = Receiver.Client();
        return http.GetFromJsonAsync<List<JsonElement>>("/api/campaigns").GetAwaiter().GetResult()!;
    }

    /// <summary><c>nodectl campaign ARGS --receiver URL</c> with <paramref name="token"/> in NODEFIRMWARE_RECEIVER_TOKEN (none when null).</summary>
    public (int Exit, string Out, string Err) Campaign(string? token, params string[] args)
    {
        var env = new Dictionary<string, string>();
        if (token is not null) env[ReceiverClient.TokenVariable] = token;
        return CommandRunner.Run(CampaignCommand.Create(name => env.TryGetValue(name, out var v) ? v : null),
            ["campaign", .. args, "--receiver", Receiver.BaseUrl]);
    }

    /// <summary>The same with --json: the one JSON object on stdout, parsed.</summary>
    public (int Exit, JsonElement Json, string Err) CampaignJson(string? token, params string[] args)
    {
        var (exit, stdout, stderr) = Campaign(token, [.. args, "--json"]);
        Assert.True(stdout.Trim().Split('\n').Length == 1, "--json prints one line on stdout: " + stdout);
        return (exit, JsonDocument.Parse(stdout).RootElement.Clone(), stderr);
    }

    /// <summary>A package of <paramref name="version"/> signed by the release key, and a downgrade authorization for it naming <paramref name="devices"/>.</summary>
    public (string Package, string Authorization) Downgrade(string version, long counter, params string[] devices)
    {
        string package = Sign("release.key", version, $"app-{version}.nfw");
        string authorization = P($"back-to-{version}.nfa");
        Firmware("authorize-downgrade", "--key", P("release.key"), "--package", package, "--devices", string.Join(',', devices),
            "--counter", counter.ToString(), "--out", authorization, "--passphrase-env", PassphraseVariable);
        return (package, authorization);
    }

    private string Sign(string key, string version, string output)
    {
        Firmware("sign", "--key", P(key), "--version", version, "--board", Board, "--files", P("NodeFirmware.Device.pe"), "--out", P(output),
            "--passphrase-env", PassphraseVariable);
        return P(output);
    }

    private static void Firmware(params string[] args)
    {
        var (exit, _, stderr) = CommandRunner.Run(FirmwareCommand.Create(), ["firmware", .. args]);
        Assert.True(exit == 0, stderr);
    }


    public void Dispose()
    {
        Receiver.Dispose();
        Environment.SetEnvironmentVariable(PassphraseVariable, null);
        Directory.Delete(_dir, recursive: true);
    }
}

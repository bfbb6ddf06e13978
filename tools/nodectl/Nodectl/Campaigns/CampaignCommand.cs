using System.CommandLine;
using NodeFirmware.Nodectl.Output;
using NodeFirmware.Nodectl.ReceiverApi;

namespace NodeFirmware.Nodectl.Campaigns;

/// <summary>
/// <c>nodectl campaign create|list|status|pause|resume|abort --receiver URL [--receiver-token-file F] [--json]</c>: the
/// receiver's OTA campaigns (docs/receiver.md, "nodectl campaign"). Reading needs a token of role viewer, changing one of
/// role operator. A refusal prints the receiver's reason and exits 1; a receiver that does not answer exits 2.
/// </summary>
public static class CampaignCommand
{
    public const int RefusedExitCode = 1;
    public const int UnreachableExitCode = 2;

    /// <summary>Receiver campaign ids are "c" + a timestamp + 8 hex digits; this bounds what is put in a URL.</summary>
    public const int MaxIdLength = 64;

    public static Command Create() => Create(Environment.GetEnvironmentVariable);

    /// <summary>With environment variables from a given source (tests).</summary>
    public static Command Create(Func<string, string?> environment)
    {
        var command = new Command("campaign", "OTA campaigns on the receiver: create one from a signed package, follow, pause, resume or abort it");
        command.Subcommands.Add(CreateCampaign(environment));
        command.Subcommands.Add(ListCampaigns(environment));
        command.Subcommands.Add(OnOne(environment, "status", "show a campaign, its counts and every device's progress", HttpMethod.Get, null));
        command.Subcommands.Add(OnOne(environment, "pause", "stop offering the image to further devices; devices already offered finish", HttpMethod.Post, "pause"));
        command.Subcommands.Add(OnOne(environment, "resume", "start a draft, continue a paused campaign in its phase, or roll a halted one out", HttpMethod.Post, "resume"));
        command.Subcommands.Add(OnOne(environment, "abort", "stop for good: every unfinished device's offer is withdrawn", HttpMethod.Post, "abort"));
        return command;
    }

    /// <summary>The options every subcommand has: where the receiver is, the token, --json.</summary>
    private sealed class ReceiverOptions
    {
        public readonly Option<string> Url = new("--receiver") { Description = "receiver base URL, e.g. https://receiver.acme.example", Required = true };
        public readonly Option<string?> TokenFile = new("--receiver-token-file")
        {
            Description = $"file holding the receiver API token (role viewer to read, operator to change); default: environment variable {ReceiverClient.TokenVariable}",
        };
        public readonly Option<bool> Json = JsonResult.Option();

        public void AddTo(Command command)
        {
            command.Options.Add(Url);
            command.Options.Add(TokenFile);
            command.Options.Add(Json);
        }
    }

    /// <summary>create's health-gated stages: the API's <c>gate</c> fields as options (docs/receiver.md, "Health-gated stages").</summary>
    private sealed class GateOptions
    {
        private readonly Option<bool> _gated = new("--gated") { Description = "roll out in health-gated stages with the receiver's defaults for every gate option not given (any gate option implies it)" };
        private readonly Option<string?> _stages = new("--stages") { Description = "gate: cumulative percentages of the cohort, growing to 100 (default 1,10,50,100; at most 10)" };
        private readonly Option<long?> _dwell = new("--dwell-seconds") { Description = "gate: how long a stage's updated devices report before it is judged, 1..2592000 (default 43200)" };
        private readonly Option<double?> _rate = new("--devices-per-minute") { Description = "gate: most devices offered per minute, (0, 10000] (default 10)" };
        private readonly Option<double?> _crashFree = new("--crash-free-drop") { Description = "gate: how far the updated devices' crash-free rate may fall below the others', [0, 1] (default 0.05)" };
        private readonly Option<double?> _reconnect = new("--reconnect-ratio") { Description = "gate: reconnects per device-day at most the others' times this, [1, 100] (default 1.5)" };
        private readonly Option<double?> _slack = new("--reconnect-slack-per-day") { Description = "gate: plus this many reconnects per device-day, [0, 1000] (default 1)" };
        private readonly Option<double?> _wake = new("--wake-to-publish-ratio") { Description = "gate: median wake-to-publish at most the others' times this, [1, 100] (default 1.25)" };
        private readonly Option<double?> _drain = new("--drain-ratio") { Description = "gate: median battery drain per day at most the others' times this, [1, 100] (default 1.3)" };
        private readonly Option<int?> _minDevices = new("--min-devices") { Description = "gate: devices with vitals needed on each side to judge a stage, 1..100000 (default 3)" };

        public void AddTo(Command command)
        {
            foreach (Option option in new Option[] { _gated, _stages, _dwell, _rate, _crashFree, _reconnect, _slack, _wake, _drain, _minDevices })
                command.Options.Add(option);
        }

        public CampaignCreateGate? Read(ParseResult r) => CampaignCreateGate.From(r.GetValue(_gated), r.GetValue(_stages), r.GetValue(_dwell),
            r.GetValue(_rate), r.GetValue(_crashFree), r.GetValue(_reconnect), r.GetValue(_slack), r.GetValue(_wake), r.GetValue(_drain), r.GetValue(_minDevices));
    }

    private static Command CreateCampaign(Func<string, string?> environment)
    {
        var package = new Option<string?>("--package") { Description = "signed firmware package (.nfw) from 'nodectl firmware sign'; the receiver takes only its release key's signature" };
        var version = new Option<string?>("--version") { Description = "instead of --package: a version the receiver's firmware repository holds ('nodectl firmware publish')" };
        var name = new Option<string?>("--name") { Description = "campaign name (default: \"update to <version>\")" };
        var board = new Option<string?>("--board") { Description = "cohort: devices registered with this board" };
        var firmware = new Option<string?>("--firmware") { Description = "cohort: devices running this version" };
        var tags = new Option<string?>("--tags") { Description = "cohort: devices carrying every one of these comma-separated tags" };
        var canary = new Option<double?>("--canary-percent") { Description = "share of the cohort in the canary wave, (0, 100] (receiver default 10)" };
        var threshold = new Option<double?>("--success-threshold") { Description = "share of a wave that must succeed, [0, 1]; more failures halt the campaign (default 0.9)" };
        var window = new Option<int?>("--window-seconds") { Description = "time an offered device has to report its result before it counts as failed (default 86400)" };
        var authorization = new Option<string?>("--downgrade-authorization") { Description = "for a downgrade: the .nfa file from 'nodectl firmware authorize-downgrade'" };
        var rollbackPackage = new Option<string?>("--rollback-package") { Description = "if the campaign halts: offer this signed package (the previous version) back to the devices that updated" };
        var rollbackVersion = new Option<string?>("--rollback-version") { Description = "instead of --rollback-package: a version the receiver's firmware repository holds" };
        var rollbackAuthorization = new Option<string?>("--rollback-authorization") { Description = "with a rollback: the .nfa 'nodectl firmware authorize-downgrade' signed for its package" };
        var gate = new GateOptions();
        var chunkSize = new Option<int?>("--chunk-size") { Description = "largest chunk the campaign serves, bytes (default 4096)" };
        var draft = new Option<bool>("--draft") { Description = "create it as a draft; 'nodectl campaign resume' starts it" };
        var receiver = new ReceiverOptions();
        var command = new Command("create", "create a campaign from a signed firmware package and start its canary wave")
        {
            package, version, name, board, firmware, tags, canary, threshold, window, authorization, rollbackPackage, rollbackVersion, rollbackAuthorization,
            chunkSize, draft,
        };
        gate.AddTo(command);
        receiver.AddTo(command);
        command.SetAction(result => Run(result, receiver, environment, "create", TimeSpan.FromSeconds(120), (client, text) =>
        {
            var (request, describes) = CampaignCreateRequest.Build(result.GetValue(package), result.GetValue(version), result.GetValue(name),
                result.GetValue(board), result.GetValue(firmware), result.GetValue(tags), result.GetValue(canary), result.GetValue(threshold),
                result.GetValue(window), result.GetValue(authorization), result.GetValue(chunkSize), result.GetValue(draft),
                result.GetValue(rollbackPackage), result.GetValue(rollbackVersion), result.GetValue(rollbackAuthorization), gate.Read(result));
            text.WriteLine($"creating a campaign on {client.Name} with {describes}");
            return client.Send(HttpMethod.Post, "api/campaigns", request);
        }, (report, body) => report.Campaign = CampaignInfo.Parse(body)));
        return command;
    }

    private static Command ListCampaigns(Func<string, string?> environment)
    {
        var limit = new Option<int?>("--limit") { Description = "at most this many, newest first (1..1000)" };
        var receiver = new ReceiverOptions();
        var command = new Command("list", "list the receiver's campaigns, newest first") { limit };
        receiver.AddTo(command);
        command.SetAction(result => Run(result, receiver, environment, "list", null, (client, _) =>
            client.Send(HttpMethod.Get, result.GetValue(limit) is { } n ? $"api/campaigns?limit={n}" : "api/campaigns"),
            (report, body) => report.Campaigns = CampaignInfo.ParseList(body)));
        return command;
    }

    /// <param name="verb">the path after the id (POST), or null for GET of the campaign itself</param>
    private static Command OnOne(Func<string, string?> environment, string action, string description, HttpMethod method, string? verb)
    {
        var id = new Argument<string>("id") { Description = "campaign id, as create or list printed it" };
        var receiver = new ReceiverOptions();
        var command = new Command(action, description) { id };
        receiver.AddTo(command);
        command.SetAction(result => Run(result, receiver, environment, action, null, (client, _) =>
        {
            string path = "api/campaigns/" + Uri.EscapeDataString(CheckId(result.GetValue(id)!));
            return client.Send(method, verb is null ? path : path + "/" + verb);
        }, (report, body) => report.Campaign = CampaignInfo.Parse(body)));
        return command;
    }

    private static string CheckId(string id) =>
        id.Length is > 0 and <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? id
            : throw new ArgumentException($"'{(id.Length > MaxIdLength ? id[..MaxIdLength] + "…" : id)}' is not a campaign id (1..{MaxIdLength} of A-Z a-z 0-9 - _ .)");

    /// <summary>
    /// One call: checks the options, sends <paramref name="call"/>'s request, reads a success with <paramref name="read"/> and
    /// prints it (as JSON with --json, the human text then on stderr). A refusal names the receiver's reason.
    /// </summary>
    private static int Run(ParseResult result, ReceiverOptions options, Func<string, string?> environment, string action, TimeSpan? timeout,
        Func<ReceiverClient, TextWriter, ReceiverResponse> call, Action<CampaignReport, string> read)
    {
        bool json = result.GetValue(options.Json);
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        var text = json ? error : output;
        var report = new CampaignReport { Action = action };
        int Finish(int exit, string? problem)
        {
            report.Ok = exit == 0;
            report.ExitCode = exit;
            report.Error = problem;
            if (problem is not null) error.WriteLine("error: " + problem);
            if (json) JsonResult.Write(output, report);
            return exit;
        }

        try
        {
            var baseUri = ReceiverClient.ParseUrl(result.GetValue(options.Url)!);
            report.Receiver = baseUri.ToString();
            string token = ReceiverClient.ReadToken(result.GetValue(options.TokenFile), environment)
                ?? throw new ArgumentException($"no receiver API token: give --receiver-token-file or set {ReceiverClient.TokenVariable} " +
                                               "(role viewer for list and status, operator to create, pause, resume or abort)");
            using var client = new ReceiverClient(baseUri, timeout, token: token);
            var response = call(client, text);
            report.HttpStatus = response.Status;
            if (!response.IsSuccess)
                return Finish(RefusedExitCode, $"the receiver refused to {action} (HTTP {response.Status}): {response.Reason}");
            read(report, response.Body);
            if (report.Campaigns is { } list) CampaignText.List(list, text);
            if (report.Campaign is { } campaign) CampaignText.Describe(campaign, text);
            return Finish(0, null);
        }
        catch (ReceiverUnreachableException e)
        {
            return Finish(UnreachableExitCode, e.Message);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            return Finish(RefusedExitCode, e.Message);
        }
    }
}

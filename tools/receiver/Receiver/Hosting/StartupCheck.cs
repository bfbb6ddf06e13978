using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Revocation;

namespace NodeFirmware.Receiver.Hosting;

/// <summary>
/// What `Receiver serve` needs before it starts, checked up front: every file it was given exists, and with a PKI store
/// the CA opens with the passphrase it has. Each problem names the file or setting and the command that makes it, so
/// a missing key is one clear line instead of a service that dies with a stack trace, and a missing passphrase shows
/// at start rather than as a 500 at the first revocation.
/// </summary>
public static class StartupCheck
{
    public static IReadOnlyList<string> Run(ReceiverOptions receiver, MqttIngestOptions broker, IFleetRevocations revocations)
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(broker.Address))
        {
            Require(problems, broker.CaFile, "--ca", "the fleet CA certificate", CaHint(broker.CaFile));
            Require(problems, broker.CertFile, "--cert", "the receiver's certificate", IdentityHint(broker.CertFile));
            Require(problems, broker.KeyFile, "--key", "the receiver's key", IdentityHint(broker.KeyFile));
            problems.AddRange(broker.PipelineProblems());
        }
        if (!string.IsNullOrWhiteSpace(receiver.ReleasePublicKey))
            Require(problems, receiver.ReleasePublicKey, "--release-pub", "the release public key", "nodectl firmware keygen --out release.key --pub release.pub");
        if (!string.IsNullOrWhiteSpace(receiver.CaPassphraseFile) && !File.Exists(receiver.CaPassphraseFile))
            problems.Add($"the CA passphrase file '{receiver.CaPassphraseFile}' (--ca-passphrase-file) does not exist; " +
                         $"write the passphrase into it (mode 0600) or leave the option out and set {CaPassphrase.EnvironmentVariable}");
        else if (revocations is PkiFleetRevocations pki)
        {
            try { pki.Check(); }
            catch (PkiException e) { problems.Add(e.Message); }
        }
        return problems;
    }

    private static void Require(List<string> problems, string? path, string option, string what, string fix)
    {
        if (string.IsNullOrWhiteSpace(path))
            problems.Add($"{option} is missing: {what} is needed to connect to the broker ({fix})");
        else if (!File.Exists(path))
            problems.Add($"{what} file '{path}' ({option}) does not exist; {fix}");
    }

    private static string CaHint(string? caFile) =>
        PkiRoot(caFile, 2) is { } root ? $"create the fleet CA with: nodectl ca init --dir {root} --name <fleet>" : "give the fleet CA's ca.crt (nodectl ca init writes it)";

    /// <summary>For the store's layout (&lt;pki&gt;/services/&lt;name&gt;/client.*) the exact command; otherwise the general one.</summary>
    private static string IdentityHint(string? file)
    {
        var dir = file is null ? null : Path.GetDirectoryName(file);
        var name = dir is null ? null : Path.GetFileName(dir);
        if (PkiRoot(file, 3) is { } root && Path.GetFileName(Path.GetDirectoryName(dir)) == "services" && ServiceIdentity.IsValid(name))
            return $"issue the receiver's identity with: nodectl ca issue receiver{(name == ServiceIdentity.Receiver ? "" : " " + name)} --dir {root}";
        return "issue the receiver's identity with: nodectl ca issue receiver --dir <pki> (it writes <pki>/services/receiver/client.crt and client.key)";
    }

    private static string? PkiRoot(string? file, int levels)
    {
        string? dir = file;
        for (int i = 0; i < levels && dir is not null; i++) dir = Path.GetDirectoryName(dir);
        return string.IsNullOrEmpty(dir) ? (dir is null ? null : ".") : dir;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>A PKI store with a CA, an audit log and settings in a fresh temp directory.</summary>
internal sealed class ProvisioningRig : IDisposable
{
    public const string CaPassphrase = "factory-ca-passphrase-42";
    public const string WifiPassphrase = "greenhouse wifi passphrase 7";
    public const int KdfIterations = 100_000; // the minimum FleetCa accepts; keeps tests quick
    public const string ReleasePassphrase = "release key passphrase 9";

    public static readonly ProvisioningClientOptions FastClient = new()
    {
        ReplyTimeout = TimeSpan.FromMilliseconds(300),
        StorageReplyTimeout = TimeSpan.FromSeconds(2), // storing is the slow step; a loaded CI host must not turn it into a retry
        Attempts = 2,
    };

    public ProvisioningRig()
    {
        Directory = Path.Combine(Path.GetTempPath(), "nodectl-prov-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        PkiDirectory = Path.Combine(Directory, "pki");
        Pki = new PkiStore(PkiDirectory);
        Ca = Pki.CreateCa("test-fleet", CaPassphrase, kdfIterations: KdfIterations);
        AuditPath = Path.Combine(PkiDirectory, "audit.jsonl");
        Audit = new AuditLog(AuditPath, "station-1", "tester");
        ReleaseKeyPath = Path.Combine(Directory, "release.pub");
        ReleaseSigningKeyPath = Path.Combine(Directory, "release.key");
        ReleaseKey = NodeFirmware.Nodectl.Firmware.ReleaseKeyStore.Generate(ReleaseSigningKeyPath, ReleaseKeyPath, ReleasePassphrase, NodeFirmware.Nodectl.Firmware.ReleaseKeyStore.MinimumIterations);
    }

    /// <summary>The encrypted release key (nodectl firmware keygen's format) whose public half <see cref="ReleaseKey"/> goes into bundles.</summary>
    public string ReleaseSigningKeyPath { get; }

    /// <summary>A signer for FACTORY_RESET with this rig's release key; the caller disposes it.</summary>
    public FactoryResetSigner ResetSigner() => FactoryResetSigner.Load(ReleaseSigningKeyPath, ReleasePassphrase);

    public string Directory { get; }
    public string PkiDirectory { get; }
    public PkiStore Pki { get; }
    public FleetCa Ca { get; }
    public string AuditPath { get; }
    public AuditLog Audit { get; }
    public byte[] ReleaseKey { get; }
    public string ReleaseKeyPath { get; }

    public ProvisionSettings Settings(params string[] tags) => new()
    {
        BrokerHost = "127.0.0.1",
        BrokerPort = 8883,
        WifiSsid = "greenhouse",
        WifiPassphrase = WifiPassphrase,
        ReleasePublicKey = ReleaseKey,
        ConfigOverrides = ConfigOverrides.Build(["sample_s=30", "report_s=300"]),
        Tags = tags,
        Board = "esp32-devkitc",
    };

    public Provisioner Provisioner(IDeviceRegistry? registry = null, TextWriter? log = null) => new(Pki, Ca, Audit, registry, log);

    /// <summary>A host link wired to a node, optionally through a function that rewrites what the node sends.</summary>
    public static (ProvisioningClient Client, InMemorySerialLink Link) Connect(VirtualProvisioningNode node, Func<byte[], byte[]>? tamper = null,
        ProvisioningClientOptions? options = null)
    {
        var link = new InMemorySerialLink("sim-" + node.DeviceId);
        link.Attach(bytes =>
        {
            byte[] reply = node.Receive(bytes);
            if (tamper is not null) reply = tamper(reply);
            if (reply.Length > 0) link.DeliverFromPeer(reply);
        }, (_, _) => { });
        return (new ProvisioningClient(link, options ?? FastClient), link);
    }

    public List<AuditRecord> Records()
    {
        var check = AuditVerifier.Verify(AuditPath);
        Assert.True(check.Ok, check.Problem);
        return check.Entries.ToList();
    }

    /// <summary>Checks a node's committed identity: certificate chains to the CA, CN = its id, key matches.</summary>
    public X509Certificate2 AssertValidIdentity(VirtualProvisioningNode node)
    {
        var bundle = node.Store.LoadCommitted();
        Assert.NotNull(bundle);
        Assert.Equal(node.DeviceId, bundle!.DeviceId);
        var cert = X509CertificateLoader.LoadCertificate(bundle.DeviceCertificate);
        Assert.Equal(node.DeviceId, cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(Ca.Certificate.RawData, bundle.CaCertificate);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(cert), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(bundle.DevicePrivateKey, out _);
        Assert.Equal(256, key.KeySize);
        byte[] message = System.Text.Encoding.UTF8.GetBytes("hello from " + node.DeviceId);
        using var publicKey = cert.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(message, key.SignData(message, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));

        Assert.Equal(ReleaseKey, bundle.ReleasePublicKey);
        Assert.Equal(WifiPassphrase, bundle.WifiPassphrase);
        return cert;
    }

    /// <summary>A secret must not appear in a text file as hex (either case), base64, or raw.</summary>
    public static void AssertSecretAbsent(string text, byte[] secret, string what)
    {
        Assert.False(text.Contains(Convert.ToHexString(secret), StringComparison.OrdinalIgnoreCase), what + " appears as hex");
        string b64 = Convert.ToBase64String(secret);
        Assert.False(text.Contains(b64[..Math.Min(40, b64.Length)], StringComparison.Ordinal), what + " appears as base64");
        Assert.False(text.Contains(System.Text.Encoding.Latin1.GetString(secret), StringComparison.Ordinal), what + " appears raw");
    }

    /// <summary>The private scalar and the whole PKCS#8 of a node's device key.</summary>
    public static (byte[] Scalar, byte[] Pkcs8) DeviceSecrets(VirtualProvisioningNode node)
    {
        var bundle = node.Store.LoadCommitted()!;
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(bundle.DevicePrivateKey, out _);
        return (key.ExportParameters(true).D!, bundle.DevicePrivateKey);
    }

    public void Dispose()
    {
        Ca.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

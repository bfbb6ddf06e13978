using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Provisioning;
using NodeSim.Network;
using NodeSim.Node;

namespace NodeSim.Provisioning;

/// <summary>
/// What a provisioned virtual node connects with, read back from its own identity store as the firmware would
/// at boot: the device id, its certificate joined with the PKCS#8 key it was given, and the broker with the fleet
/// CA from the bundle. Nothing comes from the factory side.
/// </summary>
public sealed class ProvisionedIdentity : IDisposable
{
    private ProvisionedIdentity(string deviceId, X509Certificate2 certificate, BrokerEndpoint broker, byte[] releasePublicKey)
    {
        DeviceId = deviceId;
        Certificate = certificate;
        Broker = broker;
        ReleasePublicKey = releasePublicKey;
    }

    public string DeviceId { get; }
    public X509Certificate2 Certificate { get; }
    public BrokerEndpoint Broker { get; }

    /// <summary>The bundle's release public key: the one key an update must be signed with.</summary>
    public byte[] ReleasePublicKey { get; }

    /// <summary>Reads the committed bundle; throws <see cref="InvalidOperationException"/> if there is none or it does not hang together.</summary>
    public static ProvisionedIdentity FromStore(IdentityStore store)
    {
        if (store.State != IdentityState.Committed)
            throw new InvalidOperationException($"the node holds no committed identity (store state {store.State})");
        return FromBundle(store.LoadCommitted() ?? throw new InvalidOperationException("the committed bundle does not decode"));
    }

    /// <summary>
    /// The node's boot: Core decides on the stored identity, then .NET's TLS types load it (the device's mbedTLS
    /// step). Null when the node has to stay in provisioning mode; a refusal by .NET is reported to the node as a
    /// corrupt identity, never thrown, so no boot ends in an exception.
    /// </summary>
    public static ProvisionedIdentity? Boot(VirtualProvisioningNode node)
    {
        if (!node.Identity.RunsNode) return null;
        try
        {
            return FromBundle(node.Identity.Bundle);
        }
        catch (Exception e) when (e is InvalidOperationException or CryptographicException or ArgumentException)
        {
            node.ReportTlsRefusal(e.Message);
            return null;
        }
    }

    /// <summary>Joins the bundle's certificate with its key; throws <see cref="InvalidOperationException"/> when they do not hang together.</summary>
    public static ProvisionedIdentity FromBundle(ProvisioningBundle bundle)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(bundle.DeviceCertificate);
        string commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (commonName != bundle.DeviceId)
            throw new InvalidOperationException($"the stored certificate is for '{commonName}', the bundle for '{bundle.DeviceId}'");

        using var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(bundle.DevicePrivateKey, out _);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{bundle.DeviceId}: the stored private key is not a PKCS#8 ECDSA key: {e.Message}", e);
        }

        X509Certificate2 withKey;
        try
        {
            withKey = certificate.CopyWithPrivateKey(key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"{bundle.DeviceId}: the stored private key does not match its certificate: {e.Message}", e);
        }

        var ca = X509CertificateLoader.LoadCertificate(bundle.CaCertificate);
        return new ProvisionedIdentity(bundle.DeviceId, withKey, new BrokerEndpoint(bundle.BrokerHost, bundle.BrokerPort, ca), (byte[])bundle.ReleasePublicKey.Clone());
    }

    /// <summary>The virtual node's options with this identity; the board and configuration come from the caller.</summary>
    public VirtualNodeOptions NodeOptions(PowerProfile profile, DeviceConfig defaults, int seed = 0) => new()
    {
        DeviceId = DeviceId,
        Certificate = Certificate,
        Broker = Broker,
        PowerProfile = profile,
        Defaults = defaults,
        Seed = seed,
    };

    public void Dispose()
    {
        Certificate.Dispose();
        Broker.FleetCa.Dispose();
    }
}

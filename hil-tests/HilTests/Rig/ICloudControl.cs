using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HilTests.Rig;

/// <summary>The broker and receiver a rig runs: kill and restart them, and probe the broker with other identities.</summary>
public interface ICloudControl
{
    string BrokerHost { get; }
    int BrokerPort { get; }
    X509Certificate2 FleetCa { get; }

    void KillBroker();
    void StartBroker();
    void KillReceiver();
    Task StartReceiverAsync();

    /// <summary>Revokes the device's certificate and makes the broker reload its CRL (cutting live sessions).</summary>
    void RevokeDevice(string deviceId);

    /// <summary>A certificate (with key) for <paramref name="deviceId"/>: from the fleet CA, already expired, or from another CA.</summary>
    X509Certificate2 IssueProbeCertificate(string deviceId, ProbeCertificate kind);
}

public enum ProbeCertificate { Valid, Expired, Foreign }

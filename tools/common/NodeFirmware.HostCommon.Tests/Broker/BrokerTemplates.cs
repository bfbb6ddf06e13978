using NodeFirmware.HostCommon.Broker;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>The configuration checked in under tools/receiver/broker/ as an example of what the generator writes.</summary>
internal static class BrokerTemplates
{
    public static MosquittoConfig Example => new()
    {
        RunDirectory = "/var/lib/nodefirmware/broker",
        Port = 8883,
        CaFile = "/etc/nodefirmware/pki/ca/ca.crt",
        CertFile = "/etc/nodefirmware/pki/broker/server.crt",
        KeyFile = "/etc/nodefirmware/pki/broker/server.key",
        CrlFile = "/etc/nodefirmware/pki/crl.pem",
        User = "mosquitto",
        ObserverIdentities = ["observer"],
    };

    public static string BrokerFolder([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../../receiver/broker"));
}

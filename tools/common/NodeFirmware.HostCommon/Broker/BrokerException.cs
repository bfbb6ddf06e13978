namespace NodeFirmware.HostCommon.Broker;

/// <summary>The broker could not be configured, started or signalled; the message says what to do.</summary>
public sealed class BrokerException : Exception
{
    public BrokerException(string message) : base(message) { }
    public BrokerException(string message, Exception inner) : base(message, inner) { }
}

namespace NodeFirmware.Receiver.Tests.Security;

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<RunningReceiver>
{
    public const string Name = "running receiver";
}

using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// HELLO (or knocking for a provisioned board's re-entry window), then SELF_TEST, over the provisioning client that
/// `nodectl provision` uses: shared by `nodectl selftest` and the station's self-test step. Whatever stops the test
/// from running is a <see cref="ProvisioningLinkException"/> whose message names the cause and the next step; a board
/// that runs it and fails a check is a result, not an exception.
/// </summary>
public static class BoardSelfTest
{
    public static (DeviceHello Hello, DeviceSelfTest Result) Run(ProvisioningClient client, TimeSpan? knockFor)
    {
        DeviceHello hello;
        try
        {
            hello = knockFor is { } window ? client.Knock(window) : client.Hello();
        }
        catch (BoardNotReadyException)
        {
            throw;
        }
        catch (ProvisioningLinkException e)
        {
            throw new ProvisioningLinkException(knockFor is null
                ? $"no answer to HELLO: {e.Message}. The self-test runs in provisioning mode or, on a provisioned board, in the re-entry window after a reset: "
                  + "use a port with DTR/RTS (nodectl resets the board), or press EN and run this command at once"
                : $"the board booted but did not answer in its re-entry window: {e.Message}. Run the command again; a firmware without a re-entry window "
                  + "cannot be self-tested once provisioned", e);
        }
        if (hello.ProtocolVersion != ProvisioningProtocol.Version)
            throw new ProvisioningLinkException($"{hello.DeviceId} speaks provisioning protocol {hello.ProtocolVersion}, this nodectl {ProvisioningProtocol.Version}: use a nodectl for its firmware");
        try
        {
            return (hello, client.SelfTest());
        }
        catch (DeviceRefusedException e) when (e.Code == ErrorCode.SelfTestUnavailable)
        {
            throw new ProvisioningLinkException($"{hello.DeviceId} runs firmware {hello.FirmwareVersion}, which has no self-test ({e.DeviceMessage}): "
                + "flash a firmware that has one, then run the self-test again", e);
        }
    }
}

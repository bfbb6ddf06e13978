using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Tests.Provisioning;

public class ReentryWindowTests
{
    [Theory]
    [InlineData(WakeCause.PowerOn, true)]
    [InlineData(WakeCause.Reset, true)]
    [InlineData(WakeCause.Watchdog, true)]
    [InlineData(WakeCause.Brownout, true)]
    [InlineData(WakeCause.Unknown, true)]
    [InlineData(WakeCause.DeepSleepTimer, false)]
    [InlineData(WakeCause.DeepSleepPin, false)]
    public void Opens_on_boots_a_person_causes_not_on_deep_sleep_wakes(WakeCause cause, bool opens) =>
        Assert.Equal(opens, ReentryWindow.OpensOn(cause));

    [Fact]
    public void Closes_after_the_quiet_time_and_each_answered_request_extends_it()
    {
        var rig = new DeviceRig();
        var window = new ReentryWindow(rig.Session, 1000);
        Assert.Equal(ReentryStep.Listen, window.Poll(1000 + ReentryWindow.QuietMillis - 1));
        Assert.Equal(ReentryStep.RunNode, window.Poll(1000 + ReentryWindow.QuietMillis));

        window = new ReentryWindow(rig.Session, 5000);
        rig.Hello();
        Assert.Equal(ReentryStep.Listen, window.Poll(6000));
        Assert.Equal(ReentryStep.Listen, window.Poll(6000 + ReentryWindow.QuietMillis - 1));
        Assert.Equal(ReentryStep.RunNode, window.Poll(6000 + ReentryWindow.QuietMillis));
    }

    [Fact]
    public void Noise_does_not_extend_it_and_requests_cannot_hold_it_past_the_maximum()
    {
        var rig = new DeviceRig();
        var window = new ReentryWindow(rig.Session, 0);
        rig.Exchange(new byte[] { 1, 2, 3, 0x4E, 0x46 });
        Assert.Equal(ReentryStep.RunNode, window.Poll(ReentryWindow.QuietMillis));

        window = new ReentryWindow(rig.Session, 0);
        for (long t = 1000; t < ReentryWindow.MaxMillis; t += 1000)
        {
            rig.Hello();
            Assert.Equal(ReentryStep.Listen, window.Poll(t));
        }
        rig.Hello();
        Assert.Equal(ReentryStep.RunNode, window.Poll(ReentryWindow.MaxMillis));
    }

    [Fact]
    public void A_reset_turns_it_into_provisioning_mode_and_a_reboot_request_into_a_restart()
    {
        var rig = new DeviceRig();
        rig.Request(MessageType.PutBundle, BundleCodec.Encode(TestBundles.Bundle()));
        var window = new ReentryWindow(rig.Session, 0);
        rig.Request(MessageType.FactoryReset, System.Text.Encoding.UTF8.GetBytes("RESET " + TestBundles.DeviceId));
        Assert.Equal(ReentryStep.Provision, window.Poll(ReentryWindow.MaxMillis * 10));

        rig.Reboot();
        window = new ReentryWindow(rig.Session, 0);
        rig.Request(MessageType.Reboot);
        Assert.Equal(ReentryStep.Reboot, window.Poll(1));
    }
}

using NodeFirmware.Core.Provisioning;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Provisioning;

public class IdentityStorePowerCutTests
{
    private static byte[] BundleWithPort(int port)
    {
        var b = TestBundles.Bundle();
        b.BrokerPort = port;
        return BundleCodec.Encode(b);
    }

    private static NorFlash Fresh(int seed) => new(8 * DeviceRig.SectorSize, DeviceRig.SectorSize, seed);

    /// <summary>Counts the flash writes an operation makes on an untouched copy of the setup.</summary>
    private static long WritesOf(Action<IdentityStore> setup, Action<IdentityStore> operation)
    {
        var flash = Fresh(1);
        setup(new IdentityStore(flash, DeviceRig.FirstSector));
        long before = flash.Writes;
        operation(new IdentityStore(flash, DeviceRig.FirstSector));
        return flash.Writes - before;
    }

    private static void CutEverywhere(Action<IdentityStore> setup, Action<IdentityStore> operation,
        Action<IdentityStore> assertOld, Action<IdentityStore> assertNew)
    {
        long writes = WritesOf(setup, operation);
        Assert.True(writes >= 2);
        for (long cut = 0; cut < writes; cut++)
        {
            for (int seed = 1; seed <= 3; seed++)
            {
                var flash = Fresh(seed);
                setup(new IdentityStore(flash, DeviceRig.FirstSector));
                flash.CutAtWrite = flash.Writes + cut;
                Assert.Throws<PowerCutException>(() => operation(new IdentityStore(flash, DeviceRig.FirstSector)));
                flash.CutAtWrite = -1;

                var after = new IdentityStore(flash, DeviceRig.FirstSector); // the reboot
                bool isNew = false;
                try { assertNew(after); isNew = true; } catch (Xunit.Sdk.XunitException) { }
                if (!isNew) assertOld(after);
            }
        }
    }

    [Fact]
    public void Power_cut_while_storing_over_a_committed_bundle_leaves_old_or_new()
    {
        byte[] a = BundleWithPort(1111), b = BundleWithPort(2222);
        CutEverywhere(
            s => { s.SaveStored(a); s.Commit(); },
            s => { s.SaveStored(b); },
            s => { Assert.Equal(IdentityState.Committed, s.State); Assert.Equal(a, s.BundleBytes); },
            s => { Assert.Equal(IdentityState.Stored, s.State); Assert.Equal(b, s.BundleBytes); });
    }

    [Fact]
    public void Power_cut_during_store_and_commit_leaves_nothing_stored_or_committed()
    {
        byte[] a = BundleWithPort(1111);
        CutEverywhere(
            _ => { },
            s => { s.SaveStored(a); s.Commit(); },
            s => Assert.True(s.State == IdentityState.Empty || (s.State == IdentityState.Stored && s.BundleBytes!.SequenceEqual(a))),
            s => { Assert.Equal(IdentityState.Committed, s.State); Assert.Equal(1111, s.LoadCommitted()!.BrokerPort); });
    }

    [Fact]
    public void Power_cut_during_factory_reset_leaves_the_identity_or_nothing()
    {
        byte[] a = BundleWithPort(1111);
        CutEverywhere(
            s => { s.SaveStored(a); s.Commit(); },
            s => s.Erase(),
            s => { Assert.Equal(IdentityState.Committed, s.State); Assert.Equal(a, s.BundleBytes); },
            s => { Assert.Equal(IdentityState.Empty, s.State); Assert.Null(s.BundleBytes); });
    }

    [Fact]
    public void Power_cut_in_a_session_put_then_reboot_shows_a_consistent_state()
    {
        byte[] bundle = BundleCodec.Encode(TestBundles.Bundle());
        long writes = WritesOf(_ => { }, s => s.SaveStored(bundle));
        for (long cut = 0; cut < writes; cut++)
        {
            var rig = new DeviceRig(Fresh((int)cut + 1));
            rig.Flash.CutAtWrite = rig.Flash.Writes + cut;
            // The session answers StorageFailed where a real device would simply lose power.
            DeviceRig.AssertError(rig.Request(MessageType.PutBundle, bundle), ErrorCode.StorageFailed);
            rig.Flash.CutAtWrite = -1;
            rig.Reboot();
            var hello = rig.Hello();
            Assert.False(hello.Provisioned);
            Assert.True(hello.State is IdentityState.Empty or IdentityState.Stored);
            rig.Provision(bundle);
            Assert.True(rig.Hello().Provisioned);
        }
    }
}

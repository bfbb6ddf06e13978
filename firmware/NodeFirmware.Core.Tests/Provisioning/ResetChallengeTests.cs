using NodeFirmware.Core.Provisioning;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Provisioning;

public class ResetChallengeTests
{
    [Fact]
    public void A_random_source_that_repeats_after_power_on_still_gives_a_new_challenge_every_boot()
    {
        var flash = new NorFlash(4 * 4096, 4096);
        var seen = new HashSet<string>();
        byte[] sameEveryBoot = new byte[16];
        for (int boot = 0; boot < 50; boot++)
        {
            byte[] challenge = ResetChallenge.Next(flash, 2, sameEveryBoot);
            Assert.Equal(FactoryResetAuthorization.NonceSize, challenge.Length);
            Assert.True(seen.Add(Convert.ToHexString(challenge)), $"boot {boot} repeated a challenge");
        }
    }

    [Fact]
    public void The_counter_survives_a_new_store_over_the_same_flash_and_random_bytes_change_the_challenge()
    {
        var flash = new NorFlash(4 * 4096, 4096);
        byte[] first = ResetChallenge.Next(flash, 0, new byte[16]);
        var fresh = new NorFlash(4 * 4096, 4096);
        Assert.Equal(first, ResetChallenge.Next(fresh, 0, new byte[16])); // the same counter and bytes: the same challenge
        Assert.NotEqual(first, ResetChallenge.Next(flash, 0, new byte[16]));
        Assert.NotEqual(ResetChallenge.Next(new NorFlash(4 * 4096, 4096), 0, Enumerable.Repeat((byte)1, 16).ToArray()), first);
        Assert.Throws<ArgumentException>(() => ResetChallenge.Next(flash, 0, new byte[15]));
    }
}

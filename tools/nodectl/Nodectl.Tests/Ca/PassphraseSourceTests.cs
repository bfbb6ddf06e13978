using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Ca;

namespace NodeFirmware.Nodectl.Tests.Ca;

/// <summary>One name for the CA passphrase across nodectl, the receiver and nodesim.</summary>
public sealed class PassphraseSourceTests
{
    [Fact]
    public void The_passphrase_comes_from_the_one_variable_the_receiver_reads_too()
    {
        Assert.Equal("NODEFIRMWARE_CA_PASSPHRASE", PassphraseSource.EnvironmentVariable);
        Assert.Equal("correct horse battery", PassphraseSource.Get(confirm: false, n => n == "NODEFIRMWARE_CA_PASSPHRASE" ? "correct horse battery" : null));
    }

    [Theory]
    [InlineData("NODECTL_CA_PASSPHRASE")]
    [InlineData("NODESIM_CA_PASSPHRASE")]
    public void A_retired_name_is_refused_with_the_new_one(string retired)
    {
        var e = Assert.Throws<PkiException>(() => PassphraseSource.Get(confirm: false, n => n == retired ? "old habit passphrase" : null));
        Assert.Contains(retired, e.Message);
        Assert.Contains("NODEFIRMWARE_CA_PASSPHRASE", e.Message);
        // Even next to the new name: a stale variable is a script to fix, not a choice to guess.
        Assert.Throws<PkiException>(() => PassphraseSource.Get(confirm: false, n => n is "NODEFIRMWARE_CA_PASSPHRASE" ? "new" : n == retired ? "old" : null));
    }
}

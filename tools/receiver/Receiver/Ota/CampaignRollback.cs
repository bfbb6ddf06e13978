namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// The create request's <c>rollback</c>: the previous firmware (a repository version or .nfw bytes) and the release-key-signed
/// downgrade authorization (.nfa) that lets the updated devices install it. Nothing is made up on the receiver: both are
/// verified at creation and offered unchanged if the campaign halts.
/// </summary>
public sealed record CampaignRollbackRequest(string? Version = null, byte[]? Package = null, byte[]? DowngradeAuthorization = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first thing wrong.</summary>
    public void Validate()
    {
        if (Version is null == Package is null) throw new ArgumentException("rollback needs exactly one of 'version' (from the firmware repository) or 'package' (bytes)");
        if (DowngradeAuthorization is null)
            throw new ArgumentException("rollback needs 'downgradeAuthorization': the base64 of the .nfa 'nodectl firmware authorize-downgrade' signs for the rollback package");
    }
}

/// <summary>A campaign's verified rollback, stored with it: the package to offer back and its downgrade authorization.</summary>
public sealed record RollbackPlan(byte[] Package, byte[] DowngradeAuthorization)
{
    private const string Suffix = "-rollback";

    /// <summary>The rollback campaign of campaign <paramref name="campaignId"/> has this id, so a restart finds it and never makes a second.</summary>
    public static string CampaignId(string campaignId) => campaignId + Suffix;

    /// <summary>The campaign a rollback campaign belongs to, or null for any other campaign.</summary>
    public static string? ParentOf(string campaignId) => campaignId.EndsWith(Suffix, StringComparison.Ordinal) ? campaignId[..^Suffix.Length] : null;
}

/// <summary>Not stored: where a campaign's rollback campaign stands, for its view.</summary>
public sealed record RollbackProgress(string CampaignId, CampaignState State, string? StateReason, CampaignCounts Counts);

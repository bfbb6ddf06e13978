using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace NodeFirmware.Receiver.Access;

/// <summary>A token bucket per identity (token id) and per client address for unauthenticated requests.</summary>
public sealed class RequestRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public RequestRateLimiter(IOptions<ApiLimits> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => key.StartsWith("token:", StringComparison.Ordinal)
            ? RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(o.RequestsPerSecond, o.RequestBurst))
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(o.AnonymousRequestsPerSecond, o.AnonymousBurst)));
    }

    /// <summary>True if the request may proceed; false means answer 429.</summary>
    public bool TryAcquire(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perSecond),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose() => _limiter.Dispose();
}

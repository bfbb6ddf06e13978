namespace NodeFirmware.Receiver.Access;

/// <summary>Endpoint metadata: the permission a route needs. A route under /api or /metrics without one is admin-only.</summary>
public sealed record AccessRule(Permission Permission);

public static class AccessRuleExtensions
{
    public static TBuilder Allow<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRule(permission));

    public static Caller Caller(this HttpContext context) =>
        context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("the route has no access rule, so there is no caller");
}

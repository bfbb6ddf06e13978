namespace NodeFirmware.Receiver.Access;

/// <summary>One line of the append-only audit trail: who did what to what, when.</summary>
/// <param name="Actor">"token:&lt;id&gt; (&lt;name&gt;)" for an API caller, "cli:&lt;user&gt;" for the command line, "receiver" for itself.</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Role, string Action, string Target, string Detail);

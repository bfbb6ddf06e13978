namespace NodeFirmware.Nodectl.Audit;

/// <summary>The audit log cannot be read, locked or appended to.</summary>
public sealed class AuditException : Exception
{
    public AuditException(string message, Exception? inner = null) : base(message, inner) { }
}

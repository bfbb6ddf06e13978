namespace NodeFirmware.HostCommon.Pki;

/// <summary>A PKI operation failed for a reason the operator can act on (wrong passphrase, missing file, bad id).</summary>
public sealed class PkiException : Exception
{
    public PkiException(string message) : base(message) { }
    public PkiException(string message, Exception inner) : base(message, inner) { }
}

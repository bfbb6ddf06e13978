using System.Numerics;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>What revoking one device did: every certificate of it now on the list, the ones this call added, the CRL written.</summary>
public sealed record DeviceRevocation(
    string DeviceId,
    IReadOnlyList<RevokedCertificate> Certificates,
    IReadOnlyList<RevokedCertificate> NewlyRevoked,
    BigInteger CrlNumber);

using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.Nodectl.Station;

/// <summary>
/// What every unit of one station run shares: the board's images, the provisioning settings, the CA, the audit log, the
/// registry, and <see cref="Interrupt"/> (Ctrl-C): a unit stops at its next flash block or before its next step.
/// </summary>
public sealed record StationPlan(
    string Board,
    IReadOnlyList<FlashImage> Images,
    uint? FlashSize,
    int FlashBaud,
    int ProvisionBaud,
    ProvisionSettings Settings,
    PkiStore Pki,
    string CaPassphrase,
    AuditLog Audit,
    IDeviceRegistry Registry,
    ProvisioningClientOptions ClientOptions,
    string ReportDirectory,
    CancellationToken Interrupt = default);

using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// The registration step shared by <c>provision</c> and <c>register</c>: POST the device's certificate serial to the
/// registry and append one audit record of action "register" (ok, or failed at stage "register").
/// </summary>
public static class DeviceRegistrar
{
    /// <summary>Null when registered, else why not (the audit record says the same, followed by <paramref name="nextStep"/>).</summary>
    public static string? Register(IDeviceRegistry registry, AuditLog audit, DeviceRegistration registration, string certSha256,
        string nextStep, TextWriter log)
    {
        try
        {
            registry.Register(registration);
        }
        catch (RegistrationException e)
        {
            audit.Append(Entry(registration, certSha256, "failed", "register", $"provisioned but not registered with {registry.Name}: {e.Message}. {nextStep}"));
            log.WriteLine($"{registration.Id}: NOT registered: {e.Message}");
            return e.Message;
        }
        audit.Append(Entry(registration, certSha256, "ok", null, "registered with " + registry.Name));
        log.WriteLine($"{registration.Id}: registered with {registry.Name}");
        return null;
    }

    private static AuditEntry Entry(DeviceRegistration registration, string certSha256, string result, string? stage, string detail) => new()
    {
        Action = "register",
        Device = registration.Id,
        CertSerial = registration.CertSerial,
        CertSha256 = certSha256,
        Result = result,
        Stage = stage,
        Detail = detail,
        Board = registration.Board,
        Tags = registration.Tags,
    };
}

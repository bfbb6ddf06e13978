using System.CommandLine;

namespace NodeFirmware.Nodectl;

/// <summary>Every top-level command of nodectl. Add one line per command group.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return Flashing.FlashCommand.Create();
        yield return Partitions.PartitionsCommand.Create();
        yield return Energy.EnergyCommand.Create();
        yield return Ca.CaCommand.Create();
        yield return Broker.BrokerCommand.Create();
        yield return Provisioning.ProvisionCommand.Create();
        yield return Provisioning.RegisterCommand.Create();
        yield return Provisioning.SelfTestCommand.Create();
        yield return Station.StationCommand.Create();
        yield return Audit.AuditCommand.Create();
        yield return Firmware.FirmwareCommand.Create();
        yield return Campaigns.CampaignCommand.Create();
        yield return Ports.PortsCommand.Create();
    }
}

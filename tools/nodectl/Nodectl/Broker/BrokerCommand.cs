using System.CommandLine;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Ca;

namespace NodeFirmware.Nodectl.Broker;

/// <summary>
/// <c>nodectl broker setup --dir pki --run broker [--port 8883] [--bind 127.0.0.1]</c>: the broker's run directory
/// (mosquitto.conf, acl, data/) from the fleet's PKI store, issuing the broker certificate first if the store has none.
/// Start it with tools/receiver/broker/start-broker.sh &lt;run-dir&gt;. Running it again after issuing another receiver or
/// observer rewrites the configuration; a reload applies it.
/// </summary>
public static class BrokerCommand
{
    public static Command Create() => Create(() => PassphraseSource.Get(confirm: false));

    public static Command Create(Func<string> passphrase)
    {
        var command = new Command("broker", "the Mosquitto broker's run directory, made from the fleet's PKI store");
        command.Subcommands.Add(CreateSetup(passphrase));
        command.Subcommands.Add(CreateCluster());
        return command;
    }

    /// <summary>
    /// <c>nodectl broker cluster --dir pki --run cluster [--nodes 3]</c>: the node configurations of a NATS cluster on
    /// loopback (free ports) for every device and service identity in the store; start it with
    /// tools/receiver/broker/start-cluster.sh. Run it again after issuing a device (new ports: restart the cluster).
    /// </summary>
    private static Command CreateCluster()
    {
        var dir = CaCommand.DirOption();
        var run = new Option<string>("--run") { Description = "the cluster's run directory (nodeN.conf, nodeN/, mqtt-ports)", Required = true };
        var nodes = new Option<int>("--nodes") { Description = "number of nodes (3 survives one node's death)", DefaultValueFactory = _ => 3 };
        var cluster = new Command("cluster", "write a NATS cluster's node configurations (MQTT over mutual TLS, JetStream) for the store's identities") { dir, run, nodes };
        cluster.SetAction(result => CaCommand.Run(result, output =>
        {
            var store = new PkiStore(result.GetValue(dir)!);
            if (!store.HasCa) throw new PkiException($"no fleet CA in {store.CaDirectory}: create it first (nodectl ca init --dir {result.GetValue(dir)} --name <fleet>)");
            if (!File.Exists(store.BrokerCertificatePath))
                throw new PkiException($"no broker certificate in {store.BrokerDirectory}: issue it first (nodectl ca issue broker --dir {result.GetValue(dir)})");
            var config = NatsClusterConfig.ForStore(store, result.GetValue(run)!, result.GetValue(nodes));
            config.Write();
            output.WriteLine($"wrote {config.Nodes.Count} node configurations into {config.RunDirectory}");
            for (int i = 0; i < config.Nodes.Count; i++)
                output.WriteLine($"  node{i}  MQTT 127.0.0.1:{config.Nodes[i].Mqtt} (mutual TLS)  routes :{config.Nodes[i].Route}");
            output.WriteLine($"  users       {config.DeviceIds.Count} devices, receivers {string.Join(", ", config.ReceiverIdentities)}, observers {(config.ObserverIdentities.Count == 0 ? "none" : string.Join(", ", config.ObserverIdentities))}");
            output.WriteLine($"  replicas    {config.Replicas}");
            output.WriteLine($"start it: tools/receiver/broker/start-cluster.sh {result.GetValue(run)}");
        }));
        return cluster;
    }

    private static Command CreateSetup(Func<string> passphrase)
    {
        var dir = CaCommand.DirOption();
        var run = new Option<string>("--run") { Description = "the broker's run directory (mosquitto.conf, acl, data/, log and pid file)", Required = true };
        var port = new Option<int>("--port") { Description = "TLS listener port", DefaultValueFactory = _ => BrokerRunDirectory.DefaultPort };
        var bind = new Option<string>("--bind") { Description = "listener address (0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var dns = new Option<string[]>("--dns")
        {
            Description = "extra DNS names for the broker certificate, when this issues it (localhost is always in)",
            AllowMultipleArgumentsPerToken = true,
        };
        var setup = new Command("setup", "write mosquitto.conf and the ACL for the store's CA, broker certificate, CRL, receivers and observers") { dir, run, port, bind, dns };
        setup.SetAction(result => CaCommand.Run(result, output =>
        {
            var store = new PkiStore(result.GetValue(dir)!);
            if (!store.HasCa) throw new PkiException($"no fleet CA in {store.CaDirectory}: create it first (nodectl ca init --dir {result.GetValue(dir)} --name <fleet>)");
            if (!File.Exists(store.BrokerCertificatePath))
            {
                using var ca = store.OpenCa(passphrase());
                using var credential = store.IssueBroker(ca, result.GetValue(dns));
                output.WriteLine($"issued the broker certificate {credential} into {store.BrokerDirectory}");
            }
            else if (result.GetValue(dns) is { Length: > 0 })
            {
                throw new PkiException($"the broker certificate {store.BrokerCertificatePath} exists already; --dns applies only when setup issues it " +
                                       "(nodectl ca issue broker --replace --dns ... issues a new one)");
            }
            var config = BrokerRunDirectory.Write(store, result.GetValue(run)!, result.GetValue(port), result.GetValue(bind)!);
            output.WriteLine($"wrote {config.ConfPath} and {config.AclPath}");
            output.WriteLine($"  listener    {config.BindAddress}:{config.Port} (mutual TLS, fleet CA {config.CaFile})");
            output.WriteLine($"  CRL         {config.CrlFile}");
            output.WriteLine($"  receivers   {string.Join(", ", config.ReceiverIdentities)}");
            output.WriteLine($"  observers   {(config.ObserverIdentities.Count == 0 ? "none" : string.Join(", ", config.ObserverIdentities))}");
            output.WriteLine($"start it: tools/receiver/broker/start-broker.sh {result.GetValue(run)}");
        }));
        return setup;
    }
}

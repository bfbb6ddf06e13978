namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// A fleet of virtual nodes on this machine, each with its own certificate and TLS session to Mosquitto, reporting
/// once a minute of (compressible) virtual time; the broker is restarted under it and every node reconnects with
/// Core's jittered back-off. Prints nodes connected, readings generated and stored (lost, duplicated), the time to
/// 99 % reconnected, memory per node, and the broker's and the receiver's CPU.
/// Usage: bench fleet [--nodes N] [--speed X] [--cycles C] [--broker-down S] [--listen S] [--flash-sectors K]
/// </summary>
public static class FleetBenchmark
{
    public static int Run(string[] args)
    {
        var o = FleetBenchOptions.Parse(args);
        if (o is null) return 2;
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-fleet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var result = FleetRun.RunAsync(o, dir, Console.WriteLine).GetAwaiter().GetResult();
            Console.WriteLine(result.ResultLine);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine("fleet: " + e.Message);
            return 1;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using NodeFirmware.HostCommon.Broker;

namespace NodeFirmware.HostCommon.Tests.Broker;

public sealed class BrokerScriptsTests : IDisposable
{
    private readonly BrokerTestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private static (int Code, string Output) Script(string name, params string[] args)
    {
        var info = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(BrokerTemplates.BrokerFolder(), name));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException(name + " hung"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static bool Accepts(int port)
    {
        try { using var c = new TcpClient(); c.Connect("127.0.0.1", port); return true; }
        catch (SocketException) { return false; }
    }

    [Fact]
    public async Task Scripts_start_reload_and_stop_a_generated_broker()
    {
        var config = _pki.Config("scripted").WithPort(FreePort.OnLoopback());
        config.Write();
        try
        {
            var start = Script("start-broker.sh", config.RunDirectory);
            Assert.True(start.Code == 0, start.Output);
            Assert.True(Accepts(config.Port));
            Assert.Equal(1, Script("start-broker.sh", config.RunDirectory).Code); // already running

            await using (var device = await TestMqttClient.ConnectDeviceAsync(config.BindAddress, config.Port, _pki.Device("esp32-00000000000a"), _pki.Trust))
                Assert.True(device.Client.IsConnected);

            var reload = Script("reload-broker.sh", config.RunDirectory);
            Assert.True(reload.Code == 0, reload.Output);

            var stop = Script("stop-broker.sh", config.RunDirectory);
            Assert.True(stop.Code == 0, stop.Output);
            Assert.False(Accepts(config.Port));
            Assert.False(File.Exists(config.PidPath));
            Assert.True(File.Exists(config.DatabasePath));
        }
        finally
        {
            Script("stop-broker.sh", config.RunDirectory, "--kill");
        }
    }

    [Fact]
    public void Start_script_gives_the_broker_the_hard_open_files_limit()
    {
        var config = _pki.Config("descriptors").WithPort(FreePort.OnLoopback());
        config.Write();
        try
        {
            // As from a login shell with Debian's soft limit of 1024 descriptors, which would cap the fleet near 1,000 devices.
            var info = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("ulimit -Sn 1024 && exec \"$0\" \"$1\"");
            info.ArgumentList.Add(Path.Combine(BrokerTemplates.BrokerFolder(), "start-broker.sh"));
            info.ArgumentList.Add(config.RunDirectory);
            using (var p = Process.Start(info)!)
            {
                string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                Assert.True(p.WaitForExit(60_000) && p.ExitCode == 0, output);
            }
            int pid = int.Parse(File.ReadAllText(config.PidPath).Trim());
            string hard = OpenFiles("self").Hard;
            if (hard == "unlimited") hard = File.ReadAllText("/proc/sys/fs/nr_open").Trim(); // what the script falls back to
            Assert.Equal(hard, OpenFiles(pid.ToString()).Soft);
        }
        finally
        {
            Script("stop-broker.sh", config.RunDirectory, "--kill");
        }
    }

    /// <summary>The "Max open files" line of /proc/&lt;pid&gt;/limits.</summary>
    private static (string Soft, string Hard) OpenFiles(string pid)
    {
        var line = File.ReadLines($"/proc/{pid}/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (fields[0], fields[1]);
    }

    [Fact]
    public void Start_after_a_killed_broker_does_not_take_its_stale_pid_file_for_a_running_broker()
    {
        var config = _pki.Config("killed").WithPort(FreePort.OnLoopback());
        config.Write();
        try
        {
            Assert.Equal(0, Script("start-broker.sh", config.RunDirectory).Code);
            int first = int.Parse(File.ReadAllText(config.PidPath).Trim());
            Process.GetProcessById(first).Kill(); // SIGKILL: mosquitto leaves its pid file behind
            Assert.True(File.Exists(config.PidPath));

            var again = Script("start-broker.sh", config.RunDirectory);
            Assert.True(again.Code == 0, again.Output);
            Assert.Contains("stale pid file", again.Output);
            int second = int.Parse(File.ReadAllText(config.PidPath).Trim());
            Assert.NotEqual(first, second);
            Assert.True(Accepts(config.Port));
        }
        finally
        {
            Script("stop-broker.sh", config.RunDirectory, "--kill");
        }
    }

    [Fact]
    public void A_pid_file_naming_another_process_is_neither_signalled_nor_taken_for_the_broker()
    {
        var config = _pki.Config("reused").WithPort(FreePort.OnLoopback());
        config.Write();
        using var bystander = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            File.WriteAllText(config.PidPath, bystander.Id + "\n"); // the number went to another process
            var stop = Script("stop-broker.sh", config.RunDirectory);
            Assert.True(stop.Code == 0, stop.Output);
            Assert.False(bystander.HasExited);
            Assert.False(File.Exists(config.PidPath));

            File.WriteAllText(config.PidPath, bystander.Id + "\n");
            var start = Script("start-broker.sh", config.RunDirectory);
            Assert.True(start.Code == 0, start.Output);
            Assert.True(Accepts(config.Port));
            Assert.False(bystander.HasExited);
        }
        finally
        {
            Script("stop-broker.sh", config.RunDirectory, "--kill");
            if (!bystander.HasExited) bystander.Kill();
        }
    }

    [Fact]
    public void Start_script_explains_a_missing_run_directory()
    {
        var result = Script("start-broker.sh", "/nonexistent/run");
        Assert.Equal(2, result.Code);
        Assert.Contains("generate the run directory first", result.Output);
    }

    [Fact]
    public void Checked_in_examples_match_the_generator()
    {
        var folder = BrokerTemplates.BrokerFolder();
        if (Environment.GetEnvironmentVariable("NF_REGENERATE_BROKER_EXAMPLES") == "1")
        {
            File.WriteAllText(Path.Combine(folder, "mosquitto.conf.example"), BrokerTemplates.Example.RenderConf());
            File.WriteAllText(Path.Combine(folder, "acl.example"), BrokerTemplates.Example.RenderAcl());
        }
        Assert.Equal(BrokerTemplates.Example.RenderConf(), File.ReadAllText(Path.Combine(folder, "mosquitto.conf.example")));
        Assert.Equal(BrokerTemplates.Example.RenderAcl(), File.ReadAllText(Path.Combine(folder, "acl.example")));
    }
}

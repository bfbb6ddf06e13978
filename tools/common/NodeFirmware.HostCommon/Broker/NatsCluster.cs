using System.Diagnostics;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>
/// A NATS cluster of real /usr/sbin/nats-server processes on loopback, one per node of a <see cref="NatsClusterConfig"/>.
/// Start waits until every node is ready and JetStream has elected its metadata leader (MQTT needs JetStream);
/// Kill SIGKILLs one node, Restart starts it again on its ports and store. Dispose kills every node.
/// </summary>
public sealed class NatsCluster : IDisposable
{
    public const string DefaultExecutable = "/usr/sbin/nats-server";
    private const int LinesKept = 300;
    private readonly string _executable;
    private readonly Process?[] _nodes;
    private readonly Queue<string>[] _logs;

    private NatsCluster(NatsClusterConfig config, string executable)
    {
        Config = config;
        _executable = executable;
        _nodes = new Process?[config.Nodes.Count];
        _logs = config.Nodes.Select(_ => new Queue<string>()).ToArray();
    }

    public NatsClusterConfig Config { get; }
    public int MqttPort(int node) => Config.Nodes[node].Mqtt;
    public bool IsRunning(int node) => _nodes[node] is { HasExited: false };
    public int? ProcessId(int node) => IsRunning(node) ? _nodes[node]!.Id : null;

    public static NatsCluster Start(NatsClusterConfig config, string executable = DefaultExecutable, TimeSpan? timeout = null)
    {
        if (!File.Exists(executable))
            throw new BrokerException($"nats-server is not installed ({executable} not found): run tools/scripts/setup.sh --cluster");
        config.Write();
        var cluster = new NatsCluster(config, executable);
        try
        {
            for (int i = 0; i < config.Nodes.Count; i++) cluster.Launch(i);
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
            for (int i = 0; i < config.Nodes.Count; i++) cluster.WaitFor(i, "Server is ready", deadline);
            cluster.WaitForAny("JetStream cluster new metadata leader", "Self is new JetStream cluster metadata leader", deadline);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: the node writes nothing more; the others keep the replicated streams.</summary>
    public void Kill(int node)
    {
        var p = _nodes[node];
        if (p is { HasExited: false }) p.Kill();
        p?.WaitForExit(10_000);
    }

    public void Restart(int node, TimeSpan? timeout = null)
    {
        Kill(node);
        _nodes[node]?.Dispose();
        Launch(node);
        WaitFor(node, "Server is ready", DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)));
    }

    public string ReadLog(int node)
    {
        lock (_logs[node]) return string.Join('\n', _logs[node]);
    }

    private void Launch(int node)
    {
        var psi = new ProcessStartInfo(_executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Config.NodeConfPath(node));
        var process = Process.Start(psi) ?? throw new BrokerException($"could not start {_executable}");
        lock (_logs[node]) _logs[node].Clear();
        DataReceivedEventHandler keep = (_, e) =>
        {
            if (e.Data is null) return;
            lock (_logs[node])
            {
                _logs[node].Enqueue(e.Data);
                while (_logs[node].Count > LinesKept) _logs[node].Dequeue();
            }
        };
        process.ErrorDataReceived += keep;
        process.OutputDataReceived += keep;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _nodes[node] = process;
    }

    private bool Logged(int node, string text)
    {
        lock (_logs[node]) return _logs[node].Any(l => l.Contains(text, StringComparison.Ordinal));
    }

    private void WaitFor(int node, string text, DateTime deadline)
    {
        while (!Logged(node, text))
        {
            if (!IsRunning(node)) throw new BrokerException($"nats-server node{node} exited:\n{ReadLog(node)}");
            if (DateTime.UtcNow > deadline) throw new BrokerException($"nats-server node{node} not ready in time:\n{ReadLog(node)}");
            Thread.Sleep(50);
        }
    }

    private void WaitForAny(string a, string b, DateTime deadline)
    {
        while (!Enumerable.Range(0, _nodes.Length).Any(i => Logged(i, a) || Logged(i, b)))
        {
            if (DateTime.UtcNow > deadline) throw new BrokerException($"the cluster elected no JetStream leader in time:\n{ReadLog(0)}");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            try { Kill(i); } catch (InvalidOperationException) { }
            _nodes[i]?.Dispose();
        }
    }
}

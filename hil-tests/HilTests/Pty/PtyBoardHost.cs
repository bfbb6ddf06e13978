using NodeFirmware.HilTests.Rig;
using NodeFirmware.HilTests.Support;
using NodeFirmware.HilTests.Virtual;
using NodeSim.Provisioning;

namespace NodeFirmware.HilTests.Pty;

/// <summary>
/// A <see cref="SimulatedBoard"/> on the master end of a pseudo-terminal, its supply and EN/IO0 on a loopback relay,
/// so <see cref="Serial.SerialRig"/> drives it exactly as it drives a real board. A pty has no DTR/RTS, so the
/// reset lines are modelled through the relay (channels: 1 power, 2 EN, 3 IO0). The board's node runs on its own
/// in the background at <see cref="TimeScale"/> virtual seconds per real second.
/// </summary>
public sealed class PtyBoardHost : IAsyncDisposable
{
    public const int PowerChannel = 1, EnChannel = 2, Io0Channel = 3;
    public const double TimeScale = 600;

    private readonly PseudoTerminal _pty = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _wiring;
    private readonly Task _reader, _pump;
    private bool _enLow, _io0Low;

    public PtyBoardHost(LocalCloud cloud, int index, string board = VirtualRig.DefaultBoard)
    {
        RelayName = $"pty-board-{index}-{Guid.NewGuid():N}";
        var profile = RepoRoot.Boards().Load(board).ToPowerProfile();
        long start = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        Board = new SimulatedBoard(VirtualProvisioningNode.MacFor(index), cloud.Endpoint, profile, start, bytes => _pty.Write(bytes), seed: index);
        _wiring = LoopbackRelay.Wire(RelayName, OnRelay);
        _reader = Task.Run(ReadLoop);
        _pump = Task.Run(PumpLoop);
    }

    public SimulatedBoard Board { get; }
    public string SlavePath => _pty.SlavePath;
    public string RelayName { get; }

    private void OnRelay(int channel, bool closed)
    {
        switch (channel)
        {
            case PowerChannel when closed && !Board.Powered: Board.PowerOn(); break;
            case PowerChannel when !closed && Board.Powered: Board.PowerOffAsync().GetAwaiter().GetResult(); break;
            case EnChannel: _enLow = closed; Board.SetStrapping(_enLow, _io0Low); break;
            case Io0Channel: _io0Low = closed; Board.SetStrapping(_enLow, _io0Low); break;
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int n = _pty.Read(buffer, 50);
            if (n > 0) Board.FromHost(buffer.AsSpan(0, n));
        }
    }

    private async Task PumpLoop()
    {
        const int tickMs = 50;
        while (!_stop.IsCancellationRequested)
        {
            try { await Task.Delay(tickMs, _stop.Token); }
            catch (OperationCanceledException) { return; }
            await Board.RunUntilAsync(Board.NowUnixMillis + (long)(tickMs * TimeScale));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await Task.WhenAll(_reader, _pump); } catch (OperationCanceledException) { }
        _wiring.Dispose();
        _pty.Dispose();
        await Board.DisposeAsync();
        _stop.Dispose();
    }
}

namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>How DTR/RTS changes from an RFC 2217 client reach the chip's EN and IO0.</summary>
public enum ControlLinePolicy
{
    /// <summary>
    /// Each change reaches the chip when it arrives, except the one step of the classic reset that the network
    /// would spoil: see <see cref="ControlLineRelay"/>. The default; esptool's default reset works.
    /// </summary>
    CompleteClassicReset,

    /// <summary>
    /// Each change reaches the chip when it arrives, as through a plain RFC 2217 server (pyserial's example server,
    /// ser2net). esptool's classic reset then boots the chip from flash, as it does on a real board behind such a
    /// server (esptool's docs, "Remote Serial Ports"; esptool issue #383).
    /// </summary>
    PassThrough,
}

/// <summary>
/// The DTR/RTS lines as the RFC 2217 client sets them, applied to the simulated chip.
/// <para>
/// The classic reset into download mode (esptool's ClassicReset, esptool-js, nodectl) releases EN by raising DTR
/// while RTS holds EN low, and pulls IO0 low by dropping RTS right after. On a local USB-serial bridge the two
/// changes are microseconds apart and EN's RC delay (see <see cref="SimulatedRomOptions.EnRcDelay"/>) makes the
/// DTR=RTS=1 instant harmless. pyserial's RFC 2217 client waits at least 50 ms for the server's answer to each
/// SET-CONTROL before it sends the next one, longer than the RC delay, so the chip would sample IO0 high. Under
/// <see cref="ControlLinePolicy.CompleteClassicReset"/> the relay therefore applies "DTR raised while RTS alone
/// holds EN low" as the pair of changes the client is making, back to back as a local bridge would; Espressif's
/// esp_rfc2217_server.py works around the same latency by running the reset on the server. Every other change
/// passes through as it arrives.
/// </para>
/// </summary>
public sealed class ControlLineRelay
{
    private readonly Action<bool, bool> _apply;
    private readonly ControlLinePolicy _policy;
    private (bool Dtr, bool Rts) _applied;
    private bool _releaseCompleted;

    /// <param name="apply">Sets (dtr, rts) on the chip, e.g. <see cref="SimulatedRomBootloader.SetSignals"/>.</param>
    public ControlLineRelay(Action<bool, bool> apply, ControlLinePolicy policy)
    {
        _apply = apply;
        _policy = policy;
    }

    /// <summary>DTR as the client last set it.</summary>
    public bool Dtr { get; private set; }

    /// <summary>RTS as the client last set it.</summary>
    public bool Rts { get; private set; }

    /// <summary>How many times a classic reset's release was completed ahead of the client's RTS change.</summary>
    public int CompletedResets { get; private set; }

    public void SetDtr(bool on) => Set(on, Rts);

    public void SetRts(bool on) => Set(Dtr, on);

    /// <summary>Both lines de-asserted, as when a serial port is closed (hang-up on close drops DTR and RTS).</summary>
    public void Release() => Set(false, false);

    private void Set(bool dtr, bool rts)
    {
        bool raisesDtrDuringReset = !Dtr && Rts && dtr && rts;
        Dtr = dtr;
        Rts = rts;
        if (_policy == ControlLinePolicy.CompleteClassicReset && raisesDtrDuringReset && _applied == (false, true))
        {
            Apply(true, true);
            Apply(true, false);
            _releaseCompleted = true;
            CompletedResets++;
            return;
        }

        if (_releaseCompleted && (dtr, rts) == (true, true))
        {
            return; // the completed release is in effect; the client's own RTS drop follows
        }

        _releaseCompleted = false;
        Apply(dtr, rts);
    }

    private void Apply(bool dtr, bool rts)
    {
        if (_applied == (dtr, rts))
        {
            return;
        }

        _applied = (dtr, rts);
        _apply(dtr, rts);
    }
}

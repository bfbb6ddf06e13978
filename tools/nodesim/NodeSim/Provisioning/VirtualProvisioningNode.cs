using System.Security.Cryptography;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Provisioning;

namespace NodeSim.Provisioning;

/// <summary>
/// The virtual node in provisioning mode: Core's <see cref="ProvisioningSession"/> over simulated flash,
/// fed with the bytes of a serial line. A REBOOT request restarts it (a new session over the same flash),
/// as the real node does; <see cref="PowerCycle"/> does the same from outside. Every start decides on the
/// stored identity with Core's <see cref="BootIdentity"/>, as the device does, so a corrupt one is reported
/// to the host as such. Every start makes a fresh random challenge for a signed FACTORY_RESET.
/// A start with a usable identity opens the boot-time re-entry window (Core's <see cref="ReentryWindow"/> on the
/// device): the session answers until <see cref="WindowElapsed"/> says the window passed, after which the node runs
/// and the line gets no answers, unless a signed FACTORY_RESET erased the identity, which keeps it in provisioning
/// mode. Both restarts open the window (a REBOOT is a reset, and the device cannot tell a reset from power-on).
/// </summary>
public sealed class VirtualProvisioningNode
{
    public const int DefaultFirstSector = 0;

    private readonly object _gate = new();
    private readonly byte[] _mac;
    private ISensorProbe? _selfTestSensor;
    private IFlash? _selfTestScratch;

    public VirtualProvisioningNode(byte[] mac, string firmwareVersion = "0.0.0-sim", IFlash? flash = null, int firstSector = DefaultFirstSector)
    {
        if (mac.Length != ProvisioningProtocol.MacSize) throw new ArgumentException("a base MAC has 6 bytes", nameof(mac));
        _mac = (byte[])mac.Clone();
        FirmwareVersion = firmwareVersion;
        Flash = flash ?? new ProvisioningFlash();
        FirstSector = firstSector;
        Start();
    }

    public IFlash Flash { get; }
    public int FirstSector { get; }
    public string FirmwareVersion { get; }
    public string DeviceId => Session.DeviceId;
    public IdentityStore Store { get; private set; } = null!;
    public ProvisioningSession Session { get; private set; } = null!;

    /// <summary>What the last start decided on the stored identity (Core's <see cref="BootIdentity"/>).</summary>
    public BootIdentity Identity { get; private set; } = null!;

    /// <summary>This start's challenge, as HELLO reports it while the identity is committed.</summary>
    public byte[] Challenge { get; private set; } = null!;

    /// <summary>True from a start with a usable identity until <see cref="WindowElapsed"/> or a reset ends it.</summary>
    public bool WindowOpen { get; private set; }

    /// <summary>The node left the window untouched and runs normally: nothing on the line is answered until the next start.</summary>
    public bool RunningNode { get; private set; }

    /// <summary>
    /// The window's time is up (on the device: <see cref="ReentryWindow.Poll"/> said RunNode). Unless a reset erased
    /// the identity, the node now runs. Returns whether it does.
    /// </summary>
    public bool WindowElapsed()
    {
        lock (_gate)
        {
            if (!WindowOpen) return RunningNode;
            WindowOpen = false;
            RunningNode = !Session.ResetPerformed;
            return RunningNode;
        }
    }

    /// <summary>
    /// The host's TLS library refused credentials that passed Core's checks: the identity is reported corrupt
    /// until it is replaced, as on the device.
    /// </summary>
    public void ReportTlsRefusal(string reason)
    {
        lock (_gate)
        {
            Identity = BootIdentity.Refused(reason);
            Session.ReportIdentityFault(Identity.Fault);
            WindowOpen = false; // the device goes to provisioning mode instead of running
            RunningNode = false;
        }
    }

    /// <summary>
    /// Gives this start's session and every later one the hardware SELF_TEST checks (Core's
    /// <see cref="ProvisioningSession.EnableSelfTest"/>): the sensor's chip id and a scratch sector of the storage.
    /// Without it SELF_TEST is refused as on firmware that has no self-test.
    /// </summary>
    public void EnableSelfTest(ISensorProbe sensor, IFlash scratch)
    {
        lock (_gate)
        {
            _selfTestSensor = sensor;
            _selfTestScratch = scratch;
            Session.EnableSelfTest(sensor, scratch);
        }
    }

    /// <summary>Restarts asked for by REBOOT or done by <see cref="PowerCycle"/>.</summary>
    public int Boots { get; private set; }

    /// <summary>A new MAC for virtual device <paramref name="index"/>: Espressif's 24:0a:c4 prefix and the index.</summary>
    public static byte[] MacFor(int index) =>
        [0x24, 0x0a, 0xc4, (byte)(index >> 16), (byte)(index >> 8), (byte)index];

    /// <summary>Feeds bytes from the host; returns the bytes the node sends back (empty when none).</summary>
    public byte[] Receive(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (RunningNode) return []; // the running node does not listen on the provisioning UART
            byte[] copy = data.ToArray();
            Session.Receive(copy, 0, copy.Length);
            byte[] output = Session.TakeOutput();
            if (Session.RebootRequested) Restart();
            else if (WindowOpen && Session.ResetPerformed) WindowOpen = false; // provisioning mode from here on
            return output;
        }
    }

    public void PowerCycle()
    {
        lock (_gate) Restart();
    }

    /// <summary>Serves one host over a stream (a TCP connection or a pipe) until it closes or <paramref name="ct"/> fires.</summary>
    public async Task ServeAsync(Stream stream, CancellationToken ct)
    {
        lock (_gate) Session.ResetInput(); // whatever a previous host left half-sent is not this host's
        var buffer = new byte[4096];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int n = await stream.ReadAsync(buffer, ct);
                if (n == 0) return;
                byte[] reply = Receive(buffer.AsSpan(0, n));
                if (reply.Length > 0)
                {
                    await stream.WriteAsync(reply, ct);
                    await stream.FlushAsync(ct);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the host went away or the node is stopping
        }
    }

    private void Restart()
    {
        Boots++;
        Start();
    }

    private void Start()
    {
        Store = new IdentityStore(Flash, FirstSector);
        Challenge = RandomNumberGenerator.GetBytes(FactoryResetAuthorization.NonceSize);
        Session = new ProvisioningSession(Store, _mac, FirmwareVersion, ProvisioningProtocol.DefaultMaxPayload, Challenge, new HardwareRandom());
        Identity = BootIdentity.Decide(Store, Session.DeviceId);
        if (Identity.State == IdentityState.Corrupt) Session.ReportIdentityFault(Identity.Fault);
        if (_selfTestSensor is not null) Session.EnableSelfTest(_selfTestSensor, _selfTestScratch!);
        WindowOpen = Identity.RunsNode;
        RunningNode = false;
    }
}

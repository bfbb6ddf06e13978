using Microsoft.Extensions.Time.Testing;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// The client and the simulated ROM on the two ends of an in-memory serial line. The client's pauses advance a
/// fake clock that also times the chip's EN RC delay, so the reset sequences run as on a board, without waiting.
/// </summary>
internal sealed class RomRig : IDisposable
{
    public static readonly EspRomClientOptions FastOptions = new()
    {
        DefaultTimeout = TimeSpan.FromMilliseconds(250),
        SyncTimeout = TimeSpan.FromMilliseconds(50),
        ConnectAttempts = 3,
        Sleep = _ => { },
        FlashBlockSize = RomProtocol.FLASH_WRITE_SIZE, // many blocks per test image, so faults can hit a middle one
    };

    /// <summary><see cref="FastOptions"/> with nodectl's default packet size, as `nodectl flash` sends.</summary>
    public static readonly EspRomClientOptions DefaultPacketOptions = FastOptions with
    {
        FlashBlockSize = new EspRomClientOptions().FlashBlockSize,
    };

    private readonly SimulatedRomOptions _simOptions;

    public RomRig(SimulatedRomOptions? simOptions = null, EspRomClientOptions? clientOptions = null, bool wireControlLines = true, bool wireDtr = true)
    {
        Link = new InMemorySerialLink("sim");
        _simOptions = (simOptions ?? new SimulatedRomOptions()) with { Time = Clock };
        Sim = new SimulatedRomBootloader(bytes => Link.DeliverFromPeer(bytes), _simOptions);
        Link.Attach(
            bytes => Sim.Receive(bytes),
            (dtr, rts) =>
            {
                if (wireControlLines)
                {
                    Sim.SetSignals(wireDtr && dtr, rts);
                }
            },
            Sim.SetHostBaudRate);
        Client = new EspRomClient(Link, (clientOptions ?? FastOptions) with { Sleep = Clock.Advance });
    }

    /// <summary>Time as the chip sees it: moves only when the client pauses (or a test advances it).</summary>
    public FakeTimeProvider Clock { get; } = new();

    public InMemorySerialLink Link { get; }

    public SimulatedRomBootloader Sim { get; }

    public EspRomClient Client { get; }

    /// <summary>Lets the chip's EN rise after a reset the client ended (a hard reset returns as EN is released).</summary>
    public void LetEnRise() => Clock.Advance(_simOptions.EnRcDelay);

    /// <summary>Connects and attaches the SPI flash, the state every flashing run starts from.</summary>
    public RomRig Ready()
    {
        Client.Connect();
        Client.DetectChip();
        Client.AttachSpiFlash();
        return this;
    }

    public void Dispose()
    {
        Sim.Dispose();
        Link.Dispose();
    }
}

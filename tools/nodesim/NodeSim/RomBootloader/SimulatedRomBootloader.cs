using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NodeSim.RomBootloader;

/// <summary>
/// A byte-level ESP32 ROM serial loader. It only listens after the DTR/RTS reset-into-bootloader sequence (IO0 low
/// when the chip samples it, <see cref="SimulatedRomOptions.EnRcDelay"/> after EN's release) and a SYNC; its UART
/// runs at the rate its divider gives (<see cref="Esp32RomClock"/>); it keeps a NOR flash, erases whole sectors on FLASH_BEGIN and
/// FLASH_DEFL_BEGIN, inflates compressed data, computes MD5 and answers with the ROM's 4 status bytes and error
/// codes. A <see cref="RomFaultPlan"/> makes it misbehave. Bytes leave through the transmit delegate.
/// </summary>
public sealed class SimulatedRomBootloader : ISerialChip
{
    private const string RomDate = "ets Jun  8 2016 00:22:57\r\n\r\n";

    /// <summary>The reset cause the ROM prints after EN (CHIP_PU) is released.</summary>
    public const string PowerOnReset = "0x1 (POWERON_RESET)";

    private readonly object _gate = new();
    private readonly Action<byte[]> _transmit;
    private readonly SimulatedRomOptions _options;
    private readonly RomSlipReceiver _receiver;
    private readonly List<byte[]> _frames = new();
    private readonly Random _random;
    private readonly Esp32Ram _ram = new();
    private readonly Esp32RomClock _clock;
    private FlashDownload? _download;
    private MemDownload? _memDownload;
    private bool _dtr;
    private bool _rts;
    private double _chipBaud;
    private int _hostBaud = RomWire.ESP_ROM_BAUD;
    private ITimer? _strappingTimer;
    private int _resetGeneration;
    private bool _spiAttached;
    private uint _flashSizeSetting;
    private bool _lastCommandFailed;
    private bool _bootHeld;

    public SimulatedRomBootloader(Action<byte[]> transmit, SimulatedRomOptions? options = null)
    {
        _transmit = transmit;
        _options = options ?? new SimulatedRomOptions();
        Flash = new SimulatedSpiFlash(_options.FlashSize);
        _clock = new Esp32RomClock(_options.RomCrystalEstimateHz, _options.Ck8mFreqEfuse);
        Registers = new Esp32RegisterFile(Flash, _options.Mac, _options.ChipMagic, _clock);
        _chipBaud = Esp32RomClock.BaudOf(Registers.UartDividerX16);
        _receiver = new RomSlipReceiver(8 + 16 + _options.MaxDataBlock);
        _random = new Random(_options.Seed);
        _flashSizeSetting = (uint)Flash.Size;
        State = RomChipState.RunningApplication;
    }

    public SimulatedSpiFlash Flash { get; }

    public Esp32RegisterFile Registers { get; }

    public RomChipState State { get; private set; }

    public RomFaultPlan? Fault { get; set; }

    SimulatedRomBootloader ISerialChip.Rom => this;

    /// <summary>The BOOT button: while held, IO0 reads low whatever DTR does, so every reset enters download mode.</summary>
    public bool BootButtonHeld
    {
        get
        {
            lock (_gate)
            {
                return _bootHeld;
            }
        }

        set
        {
            lock (_gate)
            {
                _bootHeld = value;
            }
        }
    }

    /// <summary>
    /// Called after each boot, with whether IO0 was low (download mode), under the chip's lock and after the ROM's
    /// banner went out: a board runs what the flash holds from here (NodeSim.Board). Must not call back into the chip.
    /// </summary>
    public Action<bool>? Booted { get; set; }

    /// <summary>
    /// Bytes from the host while the chip runs what it booted from flash, under the chip's lock (so the application
    /// never runs beside the ROM loader). Without it those bytes are dropped, as the bare ROM model always did.
    /// </summary>
    public Action<byte[]>? ApplicationInput { get; set; }

    public int Boots { get; private set; }

    public int ResponsesSent { get; private set; }

    /// <summary>The error byte of the last failed command (0 if none failed yet).</summary>
    public byte LastError { get; private set; }

    public int DroppedFrames => _receiver.DroppedFrames;

    /// <summary>Bytes and round trips on the chip's UART, for benchmarks.</summary>
    public RomTrafficCounters Traffic { get; } = new();

    /// <summary>The rate the chip's UART really runs at (its divider applied to the 40 MHz crystal).</summary>
    public double ChipBaudRate
    {
        get
        {
            lock (_gate)
            {
                return _chipBaud;
            }
        }
    }

    /// <summary>
    /// Control lines from the host. RTS asserted alone pulls EN low; DTR asserted alone pulls IO0 low; both or
    /// neither pull nothing (DevKitC auto-reset). Once EN is released the chip samples IO0 after
    /// <see cref="SimulatedRomOptions.EnRcDelay"/>, so the instant of DTR=RTS=1 that esptool's ClassicReset passes
    /// through between its two line changes does not decide the boot mode.
    /// </summary>
    public void SetSignals(bool dtr, bool rts)
    {
        lock (_gate)
        {
            _dtr = dtr;
            _rts = rts;
            if (_rts && !_dtr)
            {
                EnterReset();
            }
            else if (State == RomChipState.HeldInReset)
            {
                ReleaseEn();
            }
        }
    }

    /// <summary>The host's UART speed; bytes at a speed the chip is not using arrive as noise on both sides.</summary>
    public void SetHostBaudRate(int baudRate)
    {
        lock (_gate)
        {
            _hostBaud = baudRate;
        }
    }

    /// <summary>Bytes from the host.</summary>
    public void Receive(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            Traffic.CountFromHost(bytes.Length);
            if (State == RomChipState.RunningApplication && ApplicationInput is { } application)
            {
                if (RatesMatch)
                {
                    application(bytes.ToArray()); // at another rate the application's UART sees framing errors only
                }

                return;
            }

            if (State is not (RomChipState.DownloadMode or RomChipState.Synced))
            {
                return;
            }

            if (State == RomChipState.DownloadMode)
            {
                // The ROM auto-detects the baud rate from the SYNC pattern, timing its edges with the real crystal.
                SetChipDivider(Esp32RomClock.DividerX16(Esp32RomClock.CrystalHz, _hostBaud));
            }

            var input = RatesMatch ? bytes.ToArray() : Noise(bytes.Length);
            _frames.Clear();
            _receiver.Push(input, _frames);
            foreach (var frame in _frames)
            {
                Handle(frame);
            }
        }
    }

    /// <summary>
    /// Powers the board up with IO0 high or low, without DTR/RTS (like pressing BOOT while plugging in); returns
    /// once the chip has booted. RAM starts empty.
    /// </summary>
    public void PowerOn(bool io0Low)
    {
        lock (_gate)
        {
            EnterReset();
            _ram.Clear();
            Boot(io0Low);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _download?.Dispose();
            _download = null;
            _strappingTimer?.Dispose();
            _strappingTimer = null;
            _resetGeneration++;
        }
    }

    /// <summary>
    /// Resets the chip from inside (a watchdog, esp_restart) with <paramref name="cause"/> as the ROM prints it, e.g.
    /// "0xc (SW_CPU_RESET)"; IO0 is sampled again, as the ESP32 latches its strapping pins at each such reset.
    /// </summary>
    /// <param name="ifBoot">Only if the chip is still in this boot (<see cref="Boots"/>) and running from flash: a timer
    /// that fires after an EN reset must not reset the chip again.</param>
    /// <returns>Whether it restarted.</returns>
    public bool Restart(string cause, int? ifBoot = null)
    {
        lock (_gate)
        {
            if (ifBoot is { } boot && (boot != Boots || State != RomChipState.RunningApplication))
            {
                return false;
            }

            EnterReset();
            Boot(Io0Low, cause);
            return true;
        }
    }

    private bool Io0Low => _bootHeld || (_dtr && !_rts);

    private bool RatesMatch => Esp32RomClock.RatesMatch(_chipBaud, _hostBaud);

    private void SetChipDivider(uint dividerX16)
    {
        Registers.SetUartDivider(dividerX16);
        _chipBaud = Esp32RomClock.BaudOf(dividerX16);
    }

    /// <summary>EN rises through its RC network; the chip samples IO0 when it crosses the threshold.</summary>
    private void ReleaseEn()
    {
        if (_options.EnRcDelay <= TimeSpan.Zero)
        {
            Boot(io0Low: Io0Low);
            return;
        }

        State = RomChipState.EnRising;
        int generation = _resetGeneration;
        _strappingTimer = _options.Time.CreateTimer(_ => SampleStrappingPins(generation), null, _options.EnRcDelay, Timeout.InfiniteTimeSpan);
    }

    private void SampleStrappingPins(int generation)
    {
        lock (_gate)
        {
            if (generation != _resetGeneration || State != RomChipState.EnRising)
            {
                return; // EN was pulled low again (or the chip disposed) before it rose
            }

            _strappingTimer?.Dispose();
            _strappingTimer = null;
            Boot(io0Low: Io0Low);
        }
    }

    private void EnterReset()
    {
        _resetGeneration++;
        _strappingTimer?.Dispose();
        _strappingTimer = null;
        State = RomChipState.HeldInReset;
        _download?.Dispose();
        _download = null;
        _memDownload = null;
        _spiAttached = false;
        _flashSizeSetting = (uint)Flash.Size;
        // The ROM sets up UART0 for 115200 baud from the crystal frequency it calibrated, not the true 40 MHz.
        SetChipDivider(Esp32RomClock.DividerX16(_clock.RomFrequencyHz, RomWire.ESP_ROM_BAUD));
        _receiver.Reset();
    }

    private void Boot(bool io0Low, string cause = PowerOnReset)
    {
        Boots++;
        if (io0Low)
        {
            State = RomChipState.DownloadMode;
            Emit(Encoding.ASCII.GetBytes(RomDate + $"rst:{cause},boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n"));
        }
        else
        {
            State = RomChipState.RunningApplication;
            Emit(Encoding.ASCII.GetBytes(RomDate + $"rst:{cause},boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n"));
        }

        Booted?.Invoke(io0Low);
    }

    /// <summary>Bytes on the chip's UART from code that runs after the ROM (the bootloader, the firmware).</summary>
    /// <param name="ifBoot">Only if the chip is still in this boot and running from flash (see <see cref="Restart"/>).</param>
    public void Transmit(byte[] bytes, int? ifBoot = null)
    {
        lock (_gate)
        {
            if (ifBoot is { } boot && (boot != Boots || State != RomChipState.RunningApplication))
            {
                return;
            }

            Emit(bytes);
        }
    }

    private void Handle(byte[] frame)
    {
        if (frame.Length < 8 || frame[0] != 0x00)
        {
            return; // not a request: the ROM ignores it
        }

        Traffic.CountRequest(frame[1]);

        byte command = frame[1];
        int size = BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2));
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4));
        var data = frame.AsSpan(8).ToArray();
        if (State == RomChipState.DownloadMode && command != RomWire.SYNC)
        {
            return; // the baud rate is not locked before the first SYNC
        }

        var fault = Fault is { } plan && plan.Fires(command) ? plan.Fault : (RomFault?)null;
        switch (fault)
        {
            case RomFault.Stall:
                return;
            case RomFault.ReplyGarbage:
                Emit(Noise(24));
                return;
            case RomFault.ResetMidTransfer:
                EnterReset();
                Boot(io0Low: false);
                return;
            case RomFault.CorruptRequest when IsDataCommand(command) && data.Length > 16:
                data[16 + ((data.Length - 16) / 2)] ^= 0x10;
                break;
            case RomFault.CorruptRequestPassingChecksum when IsDataCommand(command) && data.Length > 17:
                data[16] ^= 0x01;
                data[17] ^= 0x01;
                break;
        }

        var responses = size != data.Length
            ? new List<byte[]> { Response(command, 0, Array.Empty<byte>(), RomWire.ERR_INVALID_MESSAGE) }
            : Execute(command, data, checksum);
        foreach (var response in responses)
        {
            if (fault == RomFault.WrongMd5 && command == RomWire.SPI_FLASH_MD5 && response.Length >= 8 + 32 + 4)
            {
                response[8] = response[8] == (byte)'0' ? (byte)'1' : (byte)'0';
            }

            var wire = RomWire.SlipEncode(response);
            if (fault == RomFault.DropResponseByte)
            {
                wire = wire.Where((_, i) => i != wire.Length / 2).ToArray();
            }
            else if (fault == RomFault.CorruptResponseFrame)
            {
                var list = wire.ToList();
                list.InsertRange(wire.Length / 2, new byte[] { RomWire.SLIP_ESC, 0x00 });
                wire = list.ToArray();
            }

            ResponsesSent++;
            Emit(wire);
        }

        AfterResponse(command, data);
    }

    private static bool IsDataCommand(byte command) =>
        command is RomWire.FLASH_DATA or RomWire.FLASH_DEFL_DATA or RomWire.MEM_DATA;

    private List<byte[]> Execute(byte command, byte[] data, uint checksum)
    {
        uint value = 0;
        byte[] payload = Array.Empty<byte>();
        byte error;
        switch (command)
        {
            case RomWire.SYNC:
                if (!IsSyncPayload(data))
                {
                    return new List<byte[]>(); // not a SYNC pattern: nothing to lock onto
                }

                State = RomChipState.Synced;
                var sync = Response(command, _options.SyncValue, payload, 0);
                return Enumerable.Repeat(sync, _options.SyncResponses).ToList();

            case RomWire.READ_REG:
                error = data.Length == 4 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                if (error == 0)
                {
                    uint address = Word(data, 0);
                    value = Esp32Ram.Contains(address) ? _ram.ReadWord(address) : Registers.Read(address);
                }

                break;

            case RomWire.WRITE_REG:
                error = WriteRegisters(data);
                break;

            case RomWire.SPI_SET_PARAMS:
                error = data.Length == 24 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                if (error == 0)
                {
                    _flashSizeSetting = Word(data, 4);
                }

                break;

            case RomWire.SPI_ATTACH:
                // The ROM loader takes the pin word plus a second word; the stub takes the pin word only.
                error = data.Length == 8 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                _spiAttached |= error == 0;
                break;

            case RomWire.CHANGE_BAUDRATE:
                error = data.Length == 8 && Word(data, 0) is >= 300 and <= 5_000_000 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                break;

            case RomWire.FLASH_BEGIN:
            case RomWire.FLASH_DEFL_BEGIN:
                error = BeginDownload(command == RomWire.FLASH_DEFL_BEGIN, data);
                break;

            case RomWire.FLASH_DATA:
            case RomWire.FLASH_DEFL_DATA:
                error = DownloadBlock(command == RomWire.FLASH_DEFL_DATA, data, checksum);
                break;

            case RomWire.FLASH_END:
            case RomWire.FLASH_DEFL_END:
                error = data.Length == 4 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                break;

            case RomWire.SPI_FLASH_MD5:
                error = Md5(data, out payload);
                break;

            case RomWire.READ_FLASH_SLOW:
                error = ReadFlashSlow(data, out payload);
                break;

            case RomWire.MEM_BEGIN:
                error = data.Length == 16 && Word(data, 2 * 4) > 0 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                if (error == 0)
                {
                    _memDownload = new MemDownload(Word(data, 0), Word(data, 4), Word(data, 8), Word(data, 12));
                }

                break;

            case RomWire.MEM_DATA:
                error = MemBlock(data, checksum);
                break;

            case RomWire.MEM_END:
                error = data.Length == 8 ? (byte)0 : RomWire.ERR_INVALID_MESSAGE;
                break;

            default:
                error = RomWire.ERR_INVALID_MESSAGE;
                break;
        }

        return new List<byte[]> { Response(command, value, payload, error) };
    }

    /// <summary>Commands that leave the loader do so after their response went out.</summary>
    private void AfterResponse(byte command, byte[] data)
    {
        if (_lastCommandFailed)
        {
            return;
        }

        switch (command)
        {
            case RomWire.CHANGE_BAUDRATE when data.Length == 8:
                // The ROM computes the divider from its calibrated crystal estimate (rule 6 of the ROM loader model).
                SetChipDivider(Esp32RomClock.DividerX16(_clock.RomFrequencyHz, Word(data, 0)));
                break;
            case RomWire.FLASH_END or RomWire.FLASH_DEFL_END when data.Length == 4:
                // 0 reboots, 1 runs the user code: either way the ROM loader is left.
                _download?.Dispose();
                _download = null;
                if (Word(data, 0) == 0)
                {
                    EnterReset();
                    Boot(io0Low: false);
                }
                else
                {
                    State = RomChipState.RunningApplication;
                }

                break;
            case RomWire.MEM_END when data.Length == 8 && Word(data, 0) == 0:
                State = RomChipState.RunningRamCode;
                break;
        }
    }

    private byte WriteRegisters(byte[] data)
    {
        if (data.Length == 0 || data.Length % 16 != 0)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        for (int at = 0; at < data.Length; at += 16)
        {
            uint address = Word(data, at);
            if (Esp32Ram.Contains(address))
            {
                _ram.WriteWord(address, Word(data, at + 4), Word(data, at + 8));
                continue;
            }

            Registers.Write(address, Word(data, at + 4), Word(data, at + 8));
            if (address == Esp32RegisterFile.UART_CLKDIV_REG)
            {
                _chipBaud = Esp32RomClock.BaudOf(Math.Max(16, Registers.UartDividerX16)); // the UART follows its divider
            }
        }

        return 0;
    }

    private byte BeginDownload(bool compressed, byte[] data)
    {
        // Four words (size, blocks, block size, offset); later chips add a fifth (encrypted), which is accepted.
        if (data.Length is not (16 or 20))
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        if (!_spiAttached)
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        uint size = Word(data, 0);
        uint blocks = Word(data, 4);
        uint blockSize = Word(data, 8);
        uint offset = Word(data, 12);
        if ((blockSize == 0 && blocks > 0) || blockSize > _options.MaxDataBlock)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        var download = FlashDownload.Begin(Flash, _flashSizeSetting, compressed, size, blocks, blockSize, offset, out byte error);
        if (download is null)
        {
            return error;
        }

        _download?.Dispose();
        _download = download;
        return 0;
    }

    private byte DownloadBlock(bool compressed, byte[] data, uint checksum)
    {
        if (_download is null || _download.Compressed != compressed)
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        if (data.Length < 16 || Word(data, 0) != data.Length - 16)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        uint sequence = Word(data, 4);
        var block = data.AsSpan(16);
        if ((checksum & 0xFF) != RomWire.Checksum(block))
        {
            return RomWire.ERR_INVALID_CRC;
        }

        if (_download.IsRepeatOfLastBlock(sequence, block))
        {
            return 0;
        }

        bool sizeOk = compressed
            ? block.Length > 0 && block.Length <= _download.BlockSize
            : block.Length == _download.BlockSize; // a plain download's last block is padded to the block size
        if (sequence != _download.NextSequence || sequence >= _download.Blocks || !sizeOk)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        return _download.Accept(sequence, block);
    }

    private byte Md5(byte[] data, out byte[] payload)
    {
        payload = Array.Empty<byte>();
        if (data.Length != 16)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        if (!_spiAttached)
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        uint address = Word(data, 0);
        uint size = Word(data, 4);
        if (!Flash.Contains(address, size))
        {
            return RomWire.ERR_FLASH_READ_LENGTH;
        }

        var digest = MD5.HashData(Flash.Read(address, (int)size));
        payload = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(digest)); // the ROM sends 32 hex characters
        return 0;
    }

    /// <summary>Address and length (at most 64); the ROM always answers with a 64-byte buffer, read bytes first.</summary>
    private byte ReadFlashSlow(byte[] data, out byte[] payload)
    {
        payload = Array.Empty<byte>();
        if (data.Length != 8)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        if (!_spiAttached)
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        uint address = Word(data, 0);
        uint length = Word(data, 4);
        if (length > RomWire.READ_FLASH_SLOW_BLOCK || !Flash.Contains(address, length))
        {
            return RomWire.ERR_FLASH_READ_LENGTH;
        }

        payload = new byte[RomWire.READ_FLASH_SLOW_BLOCK];
        Flash.Read(address, (int)length).CopyTo(payload);
        return 0;
    }

    private byte MemBlock(byte[] data, uint checksum)
    {
        if (_memDownload is null)
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        if (data.Length < 16 || Word(data, 0) != data.Length - 16)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        var block = data.AsSpan(16);
        if ((checksum & 0xFF) != RomWire.Checksum(block))
        {
            return RomWire.ERR_INVALID_CRC;
        }

        uint sequence = Word(data, 4);
        if (sequence != _memDownload.NextSequence || block.Length > _memDownload.BlockSize)
        {
            return RomWire.ERR_INVALID_MESSAGE;
        }

        _ram.Write(_memDownload.Offset + sequence * _memDownload.BlockSize, block);

        _memDownload.NextSequence++;
        return 0;
    }

    /// <summary>Bytes uploaded with MEM_DATA, for tests.</summary>
    public byte? ReadRam(uint address)
    {
        lock (_gate)
        {
            return _ram.Read(address);
        }
    }

    private byte[] Response(byte command, uint value, byte[] payload, byte error)
    {
        _lastCommandFailed = error != 0;
        if (error != 0)
        {
            LastError = error;
        }

        var packet = new byte[8 + payload.Length + 4];
        packet[0] = 0x01;
        packet[1] = command;
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(2), (ushort)(payload.Length + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), value);
        payload.CopyTo(packet, 8);
        packet[8 + payload.Length] = (byte)(error == 0 ? 0 : 1);
        packet[8 + payload.Length + 1] = error;
        return packet;
    }

    private static bool IsSyncPayload(byte[] data)
    {
        if (data.Length != 36 || data[0] != 0x07 || data[1] != 0x07 || data[2] != 0x12 || data[3] != 0x20)
        {
            return false;
        }

        return data.AsSpan(4).IndexOfAnyExcept((byte)0x55) < 0;
    }

    private void Emit(byte[] bytes)
    {
        Traffic.CountToHost(bytes.Length);
        _transmit(RatesMatch ? bytes : Noise(bytes.Length));
    }

    private byte[] Noise(int length)
    {
        var noise = new byte[length];
        for (int i = 0; i < length; i++)
        {
            byte b;
            do
            {
                b = (byte)_random.Next(256);
            }
            while (b is RomWire.SLIP_END or RomWire.SLIP_ESC);
            noise[i] = b;
        }

        return noise;
    }

    private static uint Word(byte[] data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));

    private sealed class MemDownload(uint size, uint blocks, uint blockSize, uint offset)
    {
        public uint Size { get; } = size;

        public uint Blocks { get; } = blocks;

        public uint BlockSize { get; } = blockSize;

        public uint Offset { get; } = offset;

        public uint NextSequence { get; set; }
    }
}

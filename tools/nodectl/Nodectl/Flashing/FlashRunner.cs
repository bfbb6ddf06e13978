using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// What "nodectl flash" was asked to do. A known <paramref name="FlashSize"/> (the board's) skips the JEDEC id read;
/// <paramref name="Full"/> writes every sector instead of only the changed ones. <paramref name="Interrupt"/> (Ctrl-C)
/// stops the run at the next block; <paramref name="OnProgress"/> sees every block's progress.
/// </summary>
public sealed record FlashRequest(
    IReadOnlyList<FlashImage> Images,
    int BaudRate,
    bool Compress,
    bool Verify,
    bool ResetAfter = true,
    uint? FlashSize = null,
    bool Full = false,
    ResetBefore Before = ResetBefore.DefaultReset,
    CancellationToken Interrupt = default,
    Action<FlashProgress>? OnProgress = null);

/// <summary>
/// The flash and read-mac workflows over a connected link, with a progress bar. Returns a process exit code;
/// every failure is printed with its reason and gives a non-zero code.
/// </summary>
public static class FlashRunner
{
    public static int Flash(EspRomClient client, FlashRequest request, IAnsiConsole console, FlashRunReport? outcome = null)
    {
        outcome ??= new FlashRunReport();
        return Guard(console, outcome, () =>
        {
            FlashLayout.Check(request.Images, request.FlashSize); // before connecting: a refusal leaves the board as it was
            var mac = Prepare(client, console, outcome, request.Before);
            uint? flashSize = request.FlashSize;
            if (flashSize is { } known)
            {
                client.SetFlashParameters(known);
                console.MarkupLineInterpolated($"Flash: {known / (1024 * 1024.0):0.##} MB (given)");
            }
            else
            {
                flashSize = DetectFlashSize(client, console);
            }

            outcome.FlashSizeBytes = flashSize;
            if (flashSize is { } size && FlashImageChecks.PastEnd(request.Images, size) is { } pastEnd)
            {
                throw new FlashingException(pastEnd);
            }

            if (request.BaudRate != client.Channel.Link.BaudRate)
            {
                client.ChangeBaudRate(request.BaudRate);
                console.MarkupLineInterpolated($"Baud rate: {request.BaudRate}");
            }

            if (request.Interrupt.IsCancellationRequested)
            {
                throw new FlashInterruptedException("interrupted (Ctrl-C) before writing: nothing was written");
            }

            IReadOnlyList<FlashImageResult> results = Array.Empty<FlashImageResult>();
            IReadOnlyList<ReflashResult>? changed = null;
            console.Progress()
                .AutoRefresh(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var tasks = request.Images.Select(i => ctx.AddTask(Markup.Escape(i.Name), autoStart: true, maxValue: Math.Max(1, i.Data.Length))).ToArray();
                    void Report(FlashProgress p)
                    {
                        var task = tasks[p.ImageIndex];
                        task.Value = p.BytesWritten;
                        task.Description = Markup.Escape($"{p.ImageName} ({p.Phase})");
                        request.OnProgress?.Invoke(p);
                        if (request.Interrupt.IsCancellationRequested)
                        {
                            throw new FlashInterruptedException(
                                $"interrupted (Ctrl-C) while writing {p.ImageName} ({p.BytesWritten} of {request.Images[p.ImageIndex].Data.Length} bytes): " +
                                "the image is only partly written and the board may not boot; flash it again");
                        }
                    }

                    if (request.Full)
                    {
                        results = client.WriteFlash(request.Images, request.Compress, request.Verify, Report);
                    }
                    else
                    {
                        changed = client.WriteChangedSectors(request.Images, request.Compress, request.Verify, Report);
                        results = changed.Select(r => r.Write).ToList();
                    }

                    foreach (var task in tasks)
                    {
                        task.Value = task.MaxValue;
                    }
                });

            outcome.Images = results.Select((r, i) => new FlashRunReport.FlashedImage(
                r.Image.Name, r.Image.Offset, r.Image.Data.Length, r.BytesSent, r.Compressed, r.VerifiedMd5,
                changed?[i].SectorsWritten, changed?[i].SectorsSkipped)).ToList();
            for (int i = 0; i < results.Count; i++)
            {
                var result = results[i];
                string check = result.VerifiedMd5 is { } md5 ? $"MD5 {md5} verified" : "not verified (use --verify)";
                string wire = result.Compressed ? $"{result.BytesSent} bytes compressed" : $"{result.BytesSent} bytes";
                console.MarkupLineInterpolated($"[green]Wrote[/] {result.Image.Name}: {result.Image.Data.Length} bytes at 0x{result.Image.Offset:X} ({wire}), {check}");
                if (changed?[i] is { } reflash)
                {
                    console.MarkupLineInterpolated(
                        $"  {reflash.SectorsWritten} of {reflash.SectorsCovered} sectors changed and written; {reflash.SectorsSkipped} sectors ({reflash.BytesSkipped} bytes) already matched and were skipped ({reflash.Changes.Md5Queries} MD5 queries; --full writes every sector)");
                }
            }

            if (request.ResetAfter && request.Before == ResetBefore.NoReset)
            {
                console.MarkupLine("Not reset (--before no-reset: the board has no auto-reset circuit): press EN to boot the new firmware.");
            }
            else if (request.ResetAfter)
            {
                client.HardReset();
                outcome.Reset = true;
                console.MarkupLine("Hard reset via RTS: the board boots the new firmware.");
            }

            console.MarkupLineInterpolated($"Device id: {mac.ToDeviceId()}");
        });
    }

    /// <summary>Reads the JEDEC id and sets the size it gives; null when the id does not say.</summary>
    internal static uint? DetectFlashSize(EspRomClient client, IAnsiConsole console)
    {
        var flashId = client.ReadFlashId();
        if (FlashSizeFromJedec(flashId) is { } size)
        {
            client.SetFlashParameters(size);
            console.MarkupLineInterpolated($"Flash: JEDEC id 0x{flashId:X6}, {size / (1024 * 1024.0):0.##} MB");
            return size;
        }

        console.MarkupLineInterpolated($"[yellow]Flash: JEDEC id 0x{flashId:X6} does not say its size; keeping the ROM's default[/]");
        return null;
    }

    public static int ReadMac(EspRomClient client, IAnsiConsole console, bool resetAfter = true, ResetBefore before = ResetBefore.DefaultReset, FlashRunReport? outcome = null)
    {
        outcome ??= new FlashRunReport();
        return Guard(console, outcome, () =>
        {
            Prepare(client, console, outcome, before);
            if (resetAfter && before == ResetBefore.DefaultReset)
            {
                client.HardReset();
                outcome.Reset = true;
            }
        });
    }

    /// <summary>Capacity byte of a JEDEC id is log2 of the size in bytes (0x12 = 256 KB ... 0x1A = 64 MB).</summary>
    public static uint? FlashSizeFromJedec(uint jedecId)
    {
        int capacity = (int)((jedecId >> 16) & 0xFF);
        return capacity is >= 0x12 and <= 0x1A ? 1u << capacity : null;
    }

    internal static EspMacAddress Prepare(EspRomClient client, IAnsiConsole console) => Prepare(client, console, new FlashRunReport());

    internal static EspMacAddress Prepare(EspRomClient client, IAnsiConsole console, FlashRunReport outcome, ResetBefore before = ResetBefore.DefaultReset)
    {
        outcome.Port = client.Channel.Link.Name;
        console.MarkupLineInterpolated($"Connecting to {client.Channel.Link.Name}...");
        client.Connect(before);
        string chip = client.DetectChip();
        outcome.Chip = chip;
        var mac = client.ReadMac();
        outcome.Mac = mac.ToString();
        outcome.DeviceId = mac.ToDeviceId();
        console.MarkupLineInterpolated($"Chip: {chip}, MAC {mac}, device id {mac.ToDeviceId()}");
        client.AttachSpiFlash();
        return mac;
    }

    internal static int Guard(IAnsiConsole console, Action work) => Guard(console, new FlashRunReport(), work);

    internal static int Guard(IAnsiConsole console, FlashRunReport outcome, Action work)
    {
        try
        {
            work();
            outcome.Ok = true;
            return 0;
        }
        catch (FlashInterruptedException e)
        {
            outcome.Error = e.Message;
            console.Cursor.Show(); // the progress display hides it
            console.MarkupLineInterpolated($"[red]Flashing stopped:[/] {e.Message}");
            return FlashInterruptedException.ExitCode;
        }
        catch (FlashingException e)
        {
            outcome.Error = e.Message;
            console.MarkupLineInterpolated($"[red]Flashing failed:[/] {e.Message}");
            return 1;
        }
    }
}

using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>What "nodectl flash" was asked to do. A known <paramref name="FlashSize"/> (the board's) skips the JEDEC id read.</summary>
public sealed record FlashRequest(IReadOnlyList<FlashImage> Images, int BaudRate, bool Compress, bool Verify, bool ResetAfter = true, uint? FlashSize = null);

/// <summary>
/// The flash and read-mac workflows over a connected link, with a progress bar. Returns a process exit code;
/// every failure is printed with its reason and gives a non-zero code.
/// </summary>
public static class FlashRunner
{
    public static int Flash(EspRomClient client, FlashRequest request, IAnsiConsole console)
    {
        return Guard(console, () =>
        {
            FlashLayout.Check(request.Images, request.FlashSize); // before connecting: a refusal leaves the board as it was
            var mac = Prepare(client, console);
            if (request.FlashSize is { } known)
            {
                client.SetFlashParameters(known);
                console.MarkupLineInterpolated($"Flash: {known / (1024 * 1024.0):0.##} MB (given)");
            }
            else
            {
                DetectFlashSize(client, console);
            }

            if (request.BaudRate != client.Channel.Link.BaudRate)
            {
                client.ChangeBaudRate(request.BaudRate);
                console.MarkupLineInterpolated($"Baud rate: {request.BaudRate}");
            }

            IReadOnlyList<FlashImageResult> results = Array.Empty<FlashImageResult>();
            console.Progress()
                .AutoRefresh(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var tasks = request.Images.Select(i => ctx.AddTask(Markup.Escape(i.Name), autoStart: true, maxValue: Math.Max(1, i.Data.Length))).ToArray();
                    results = client.WriteFlash(request.Images, request.Compress, request.Verify, p =>
                    {
                        var task = tasks[p.ImageIndex];
                        task.Value = p.BytesWritten;
                        task.Description = Markup.Escape($"{p.ImageName} ({p.Phase})");
                    });
                    foreach (var task in tasks)
                    {
                        task.Value = task.MaxValue;
                    }
                });

            foreach (var result in results)
            {
                string check = result.VerifiedMd5 is { } md5 ? $"MD5 {md5} verified" : "not verified (use --verify)";
                string wire = result.Compressed ? $"{result.BytesSent} bytes compressed" : $"{result.BytesSent} bytes";
                console.MarkupLineInterpolated($"[green]Wrote[/] {result.Image.Name}: {result.Image.Data.Length} bytes at 0x{result.Image.Offset:X} ({wire}), {check}");
            }

            if (request.ResetAfter)
            {
                client.HardReset();
                console.MarkupLine("Hard reset via RTS: the board boots the new firmware.");
            }

            console.MarkupLineInterpolated($"Device id: {mac.ToDeviceId()}");
        });
    }

    private static void DetectFlashSize(EspRomClient client, IAnsiConsole console)
    {
        var flashId = client.ReadFlashId();
        if (FlashSizeFromJedec(flashId) is { } size)
        {
            client.SetFlashParameters(size);
            console.MarkupLineInterpolated($"Flash: JEDEC id 0x{flashId:X6}, {size / (1024 * 1024.0):0.##} MB");
        }
        else
        {
            console.MarkupLineInterpolated($"[yellow]Flash: JEDEC id 0x{flashId:X6} does not say its size; keeping the ROM's default[/]");
        }
    }

    public static int ReadMac(EspRomClient client, IAnsiConsole console, bool resetAfter = true)
    {
        return Guard(console, () =>
        {
            Prepare(client, console);
            if (resetAfter)
            {
                client.HardReset();
            }
        });
    }

    /// <summary>Capacity byte of a JEDEC id is log2 of the size in bytes (0x12 = 256 KB ... 0x1A = 64 MB).</summary>
    public static uint? FlashSizeFromJedec(uint jedecId)
    {
        int capacity = (int)((jedecId >> 16) & 0xFF);
        return capacity is >= 0x12 and <= 0x1A ? 1u << capacity : null;
    }

    private static EspMacAddress Prepare(EspRomClient client, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"Connecting to {client.Channel.Link.Name}...");
        client.Connect();
        string chip = client.DetectChip();
        var mac = client.ReadMac();
        console.MarkupLineInterpolated($"Chip: {chip}, MAC {mac}, device id {mac.ToDeviceId()}");
        client.AttachSpiFlash();
        return mac;
    }

    private static int Guard(IAnsiConsole console, Action work)
    {
        try
        {
            work();
            return 0;
        }
        catch (FlashingException e)
        {
            console.MarkupLineInterpolated($"[red]Flashing failed:[/] {e.Message}");
            return 1;
        }
    }
}

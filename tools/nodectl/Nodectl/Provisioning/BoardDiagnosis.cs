namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>The board behind a serial --port: its name for the messages, and what it printed since nodectl reset it.</summary>
public sealed record BoardOnPort(string Port, string? Board, BoardBootText BootText, bool WasReset);

/// <summary>
/// Why a board on a serial port cannot be provisioned, from what it printed: each message names the cause and the
/// next step. Null when the text does not explain it.
/// </summary>
public static class BoardDiagnosis
{
    /// <summary>States in which HELLO cannot be answered, so nodectl says so at once instead of waiting for replies.</summary>
    public static string? BeforeHello(BoardOnPort board) => board.BootText.State switch
    {
        BoardBootState.DownloadMode => DownloadMode(board),
        BoardBootState.NoFirmware => NoFirmware(board),
        _ => null,
    };

    /// <summary>HELLO got no answer: what the console text says about why.</summary>
    public static string? AfterSilence(BoardOnPort board) => board.BootText.State switch
    {
        BoardBootState.DownloadMode => DownloadMode(board),
        BoardBootState.NoFirmware => NoFirmware(board),
        BoardBootState.Provisioned => Provisioned(board),
        _ when board.WasReset && !board.BootText.PrintedAnything =>
            $"{board.Port}: the board printed nothing after nodectl reset it through DTR/RTS and does not answer HELLO: check that it is powered, " +
            "that this is its port (nodectl ports lists them) and that the USB cable carries data",
        _ => null,
    };

    private static string DownloadMode(BoardOnPort board) =>
        $"{board.Port}: the board is in the ROM's download mode (its boot text says \"{board.BootText.Evidence}\"), so the firmware is not running" +
        (board.WasReset
            ? ": IO0 was low when nodectl reset it through DTR/RTS, so BOOT (GPIO0) is held or pulled low. Release BOOT and run this command again; it resets the board into the firmware (or press EN without BOOT)"
            : ": it was reset with BOOT (GPIO0) held. Press EN without holding BOOT, or use a port with DTR/RTS so nodectl resets it into the firmware, then run this command again");

    private static string NoFirmware(BoardOnPort board) =>
        $"{board.Port}: the board has no firmware to run: after the reset it printed \"{board.BootText.Evidence}\" " +
        (board.BootText.Evidence!.StartsWith("invalid header", StringComparison.Ordinal)
            ? "(the ROM found no bootloader at 0x1000, an unflashed board)"
            : "(the bootloader found no valid partition table or no bootable app)") +
        $". Flash it first: nodectl flash --board {board.Board ?? "<board>"} --port {board.Port}" +
        (board.Board is null ? " (the board's name from boards/, e.g. esp32-devkitc-v4)" : "") + ", then run this command again";

    private static string Provisioned(BoardOnPort board) =>
        $"{board.Port}: the board already holds an identity: its firmware printed \"{board.BootText.Evidence}\" at boot and runs the node, " +
        "which does not answer provisioning. To give it a new identity, run this command again with --factory-reset " +
        $"(then revoke the old certificate: nodectl ca revoke {board.BootText.DeviceId ?? "<device-id>"} --dir <ca-dir>)";
}

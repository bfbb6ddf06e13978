using NodeFirmware.HostCommon.Boards;
using NodeSim.Board;

namespace NodeSim.Cli;

/// <summary>
/// <c>nodesim images --board NAME [--out DIR]</c>: writes stand-ins for the files of the board's flash layout
/// (<see cref="StandInImages"/>), under the layout's file names, so <c>nodectl flash --board NAME</c> can be
/// rehearsed on <c>nodesim board</c> without the real binaries.
/// </summary>
public static class StandInImagesCommand
{
    public const string Usage =
        "usage: nodesim images --board NAME [--out DIR]\n" +
        "  Writes stand-ins for the board's flash layout files (boards/NAME.json) into DIR (default: the current folder):\n" +
        "  a bootloader and an app that are valid ESP32 images, the board's partition table, firmware-like bytes for the\n" +
        "  rest. A simulated board (nodesim board) boots them; a real board would not.";

    public static int Run(IReadOnlyList<string> args)
    {
        string? boardName = null;
        string folder = ".";
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is "--board" or "--out" && i + 1 < args.Count)
            {
                if (args[i] == "--board") boardName = args[++i];
                else folder = args[++i];
                continue;
            }

            Console.Error.WriteLine($"unknown option or missing value: {args[i]}\n{Usage}");
            return 2;
        }

        if (boardName is null)
        {
            Console.Error.WriteLine($"--board is required\n{Usage}");
            return 2;
        }

        NodeFirmware.HostCommon.Boards.Board board;
        try
        {
            var catalog = BoardCatalog.Default();
            if (!catalog.Names().Contains(boardName))
            {
                Console.Error.WriteLine($"unknown board '{boardName}'; boards in {catalog.BoardsDirectory}: {string.Join(", ", catalog.Names())}");
                return 2;
            }

            board = catalog.Load(boardName);
        }
        catch (BoardFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Directory.CreateDirectory(folder);
        foreach (var (file, bytes) in StandInImages.For(board))
        {
            File.WriteAllBytes(Path.Combine(folder, file), bytes);
            Console.WriteLine($"{file}: {bytes.Length} bytes (stand-in for board {board.Name})");
        }

        return 0;
    }
}

namespace NodeFirmware.Core.Scheduling
{
    public enum NodeAction
    {
        Sample = 0,
        Flush = 1,
        Sleep = 2,
    }
}

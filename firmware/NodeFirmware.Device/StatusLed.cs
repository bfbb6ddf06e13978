using System.Device.Gpio;
using System.Threading;

namespace NodeFirmware.Device
{
    /// <summary>The board's user LED for states a person at the bench must see; does nothing on boards without one.</summary>
    public class StatusLed
    {
        private readonly GpioPin _pin;

        public StatusLed(int gpio)
        {
            if (gpio < 0) return;
            _pin = new GpioController().OpenPin(gpio, PinMode.Output);
            _pin.Write(PinValue.Low);
        }

        public void Blink(int times, int periodMillis)
        {
            if (_pin == null) return;
            for (int i = 0; i < times; i++)
            {
                _pin.Write(PinValue.High);
                Thread.Sleep(periodMillis / 2);
                _pin.Write(PinValue.Low);
                Thread.Sleep(periodMillis / 2);
            }
        }
    }
}

using System.Device.Adc;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Sensing;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Core's IBattery through an ADC1 channel and the board's divider. nanoCLR configures ESP32 ADC channels
    /// with 12-bit width and 12 dB attenuation (nf-interpreter sys_dev_adc_native_System_Device_Adc_AdcController.cpp)
    /// and AdcChannel.ReadValue returns the raw count, uncalibrated. The conversion here is linear over a
    /// nominal full scale; ESP32 ADCs are off by up to ~100 mV uncalibrated, so calibrate
    /// <see cref="FullScaleMillivolts"/> per device against a known voltage when thresholds matter.
    /// </summary>
    public class BatteryAdc : IBattery
    {
        /// <summary>Pin voltage at the raw maximum (4095) with 12 dB attenuation, nominal.</summary>
        public const int DefaultFullScaleMillivolts = 3300;

        private const int Samples = 8;

        private readonly AdcChannel _channel;
        private readonly int _dividerPermille;

        /// <param name="channel">ADC1 channel (GPIO34 = 6), or -1 for a board without battery sense.</param>
        public BatteryAdc(int channel, int dividerPermille)
        {
            FullScaleMillivolts = DefaultFullScaleMillivolts;
            _dividerPermille = dividerPermille;
            if (channel >= 0) _channel = new AdcController().OpenChannel(channel);
        }

        public int FullScaleMillivolts { get; set; }

        public int Millivolts
        {
            get
            {
                if (_channel == null) return -1;
                long sum = 0;
                for (int i = 0; i < Samples; i++) sum += _channel.ReadValue();
                return BatteryVoltage.FromAdc(sum, Samples, 4095, FullScaleMillivolts, _dividerPermille);
            }
        }
    }
}

// The two tools both example agents use, written once: a city's weather from a fixed table (so
// answers are reproducible offline) and a unit conversion. Plain functions; each framework wraps
// them in its own tool type.

export const CITY_WEATHER: Readonly<Record<string, { temperature_c: number; sky: string }>> = {
  paris: { temperature_c: 18, sky: 'cloudy' },
  oslo: { temperature_c: 4, sky: 'snow' },
  lima: { temperature_c: 22, sky: 'sunny' },
};

export const GET_WEATHER = {
  name: 'get_weather',
  description: "Today's weather in a city: temperature in degrees Celsius and the sky.",
};

export const CONVERT_TEMPERATURE = {
  name: 'convert_temperature',
  description: 'Converts a temperature from degrees Celsius to degrees Fahrenheit.',
};

export function getWeather(city: string): string {
  const found = CITY_WEATHER[city.trim().toLowerCase()];
  return found ? JSON.stringify({ city, ...found }) : JSON.stringify({ error: `no weather for ${city}` });
}

export function convertTemperature(celsius: number): string {
  return JSON.stringify({ fahrenheit: Math.round((celsius * 9) / 5 + 32) });
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Python's `datetime.strftime` in the C locale (local time), for the directives chat templates use. */
export function strftime(date: Date, format: string): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  return format.replace(/%([a-zA-Z%])/g, (token, directive: string) => {
    switch (directive) {
      case "Y": return String(date.getFullYear());
      case "y": return pad(date.getFullYear() % 100);
      case "m": return pad(date.getMonth() + 1);
      case "d": return pad(date.getDate());
      case "B": return MONTHS[date.getMonth()]!;
      case "b": return MONTHS[date.getMonth()]!.slice(0, 3);
      case "A": return DAYS[date.getDay()]!;
      case "a": return DAYS[date.getDay()]!.slice(0, 3);
      case "H": return pad(date.getHours());
      case "I": return pad(date.getHours() % 12 === 0 ? 12 : date.getHours() % 12);
      case "p": return date.getHours() < 12 ? "AM" : "PM";
      case "M": return pad(date.getMinutes());
      case "S": return pad(date.getSeconds());
      case "j": return pad(Math.floor((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(date.getFullYear(), 0, 1)) / 86_400_000) + 1, 3);
      case "%": return "%";
      default: return token;
    }
  });
}

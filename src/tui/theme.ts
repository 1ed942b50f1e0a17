/** Colour on or off for the whole tutor (NO_COLOR, --no-color): components ask, never decide. */
import { createContext, useContext } from 'react';

export interface Theme {
  color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });

export const useTheme = (): Theme => useContext(ThemeContext);

/** A colour prop for Ink's Text that disappears when colour is off. */
export function useColor(): (name: string) => string | undefined {
  const { color } = useTheme();
  return (name) => (color ? name : undefined);
}

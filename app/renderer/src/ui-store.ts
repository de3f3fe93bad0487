/** Which view the console shows, and whether the selected channel is enlarged into the preview. */
import { create } from 'zustand';

export type View = 'multiview' | 'schedule' | 'asrun' | 'library' | 'channels';

export interface UiStore {
  view: View;
  /** The multiview's selected tile is shown large in the preview. */
  enlarged: boolean;
  setView(view: View): void;
  setEnlarged(on: boolean): void;
}

export const useUi = create<UiStore>()((set) => ({
  view: 'multiview',
  enlarged: false,
  setView: (view) => set({ view, enlarged: false }),
  setEnlarged: (enlarged) => set({ enlarged }),
}));

ALTER TABLE `assets` ADD `loudness_lufs` real;--> statement-breakpoint
ALTER TABLE `assets` ADD `true_peak_dbtp` real;--> statement-breakpoint
ALTER TABLE `assets` ADD `loudness_at_ms` integer;
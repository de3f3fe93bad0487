ALTER TABLE `assets` ADD `rating` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `aired` text;--> statement-breakpoint
ALTER TABLE `assets` ADD `listed_runtime_ms` integer;--> statement-breakpoint
ALTER TABLE `assets` ADD `nfo_sig` text;
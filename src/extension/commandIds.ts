// Every command id in one place; package.json "contributes.commands" lists the same ids.
export const CommandIds = {
  profileDataset: 'mllab.profileDataset',
} as const;

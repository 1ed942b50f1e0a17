/** What each flag of the worker units and the commands of chapter 09 does, in a sentence: the "explain" glossary. */
export const kubeletFlagMeanings: Record<string, string> = {
  '--config': 'the configuration file the component reads its settings from (a KubeletConfiguration or a KubeProxyConfiguration).',
  '--kubeconfig': "the kubeconfig of chapter 05: where the API server is, and the node's certificate that names it system:node:<name>.",
  '--v': 'log verbosity; 2 logs what the kubelet does without flooding the journal.',
};

/** Flags of the tools the steps run. */
export const toolFlagMeanings: Record<string, string> = {
  '--now': 'systemctl starts the unit as well as enabling it.',
  '--strip-components': 'tar drops this many leading directories from each member it extracts, so the binary lands directly in the target directory.',
  '--kubeconfig': "the kubeconfig kubectl uses: admin's, against the API server on this machine.",
  '--type': 'how kubectl patch merges the given JSON into the object: `merge` sets exactly the fields given.',
  '--overwrite': 'kubectl taint replaces a taint with the same key instead of refusing it.',
  preferred_lft: 'how long an address stays preferred as a source address; 0: never picked for outgoing connections, still answered.',
};
